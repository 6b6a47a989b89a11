// Whether a day of traffic leaves the tables bounded: the rows a day of flows writes are put in
// twice, as a day older than every retention period and as the last day, then the real sweeper
// runs (retention on every tick instead of once a minute) until it has nothing left to delete.
// The aged day must be gone, the last day kept; the runs it took tell whether one instance
// deleting once a minute keeps up with such a day. PostgreSQL; the SQL is the same on PGlite.
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp } from '../test/support/app.js';
import { authorizeLink, rawId, startSession } from '../test/support/connect.js';
import { createPostgresDatabase } from '../test/support/databases.js';
import type { PrismaClient } from '../src/db/index.js';
import { DEFAULT_RETENTION } from '../src/domain/events/retention.js';
import { createLogger } from '../src/logger.js';
import { startSweeper } from '../src/sweeper.js';
import { count, note, size, type Row } from './report.js';

const DAY_MS = 86_400_000;
const RUNS_PER_DAY = 24 * 60; // the sweeper's retention interval is one minute

interface Seed {
  projectId: string;
  accountId: string;
  authConfigId: string;
  endpointId: string;
}

/**
 * One day of `flows` flows from `start`: per flow a session (24 h), a Connect Link (9 in 10
 * completed, 1 in 10 abandoned and expired by the sweeper), two events (INITIATED, then ACTIVE
 * or EXPIRED), a delivered webhook per event, and for every other flow an OAuth dance session.
 */
async function insertDay(prisma: PrismaClient, seed: Seed, tag: string, start: number, flows: number) {
  const step = DAY_MS / flows;
  const cte = `WITH flows AS (SELECT g, to_timestamp((${start} + g * ${step}) / 1000.0) AT TIME ZONE 'UTC' AS t FROM generate_series(0, ${flows - 1}) g)`;
  const ended = `CASE WHEN g % 10 = 0 THEN 'EXPIRED' ELSE 'ACTIVE' END`;
  const statements: [string, ...string[]][] = [
    [
      `${cte} INSERT INTO "Session" (id, "projectId", "userId", "clientTokenHash", "expiresAt", "createdAt")
     SELECT 'bench_${tag}_s' || g, $1, 'bench_user_' || g, md5('${tag} session ' || g), t + interval '1 day', t FROM flows`,
      seed.projectId,
    ],
    [
      `${cte} INSERT INTO "ConnectLink" (id, "tokenHash", "sessionId", "connectedAccountId", "authConfigId", status, "expiresAt", "consumedAt", "createdAt")
     SELECT 'bench_${tag}_l' || g, md5('${tag} link ' || g), 'bench_${tag}_s' || g, $1, $2,
       (CASE WHEN g % 10 = 0 THEN 'EXPIRED' ELSE 'COMPLETED' END)::"ConnectLinkStatus",
       t + interval '10 minutes', CASE WHEN g % 10 = 0 THEN NULL ELSE t + interval '1 minute' END, t
     FROM flows`,
      seed.accountId,
      seed.authConfigId,
    ],
    [
      `${cte} INSERT INTO "ConnectionEvent" (id, "projectId", "connectedAccountId", "connectLinkId", type, status, "occurredAt", "publishedAt")
     SELECT 'bench_${tag}_e' || g || '_' || k, $1, $2, 'bench_${tag}_l' || g,
       CASE WHEN k = 0 THEN 'connection.initiated' ELSE 'connection.' || lower(${ended}) END,
       (CASE WHEN k = 0 THEN 'INITIATED' ELSE ${ended} END)::"ConnectionStatus",
       t + k * interval '1 minute', t + k * interval '1 minute'
     FROM flows CROSS JOIN (VALUES (0), (1)) AS e(k)`,
      seed.projectId,
      seed.accountId,
    ],
    [
      `INSERT INTO "WebhookDelivery" (id, "endpointId", "eventId", "eventType", status, attempts, "nextAttemptAt", "lastAttemptAt", "lastStatusCode", "deliveredAt", "createdAt")
     SELECT 'delivery_' || id, $1, id, type, 'DELIVERED'::"WebhookDeliveryStatus", 1, "occurredAt", "occurredAt", 200, "occurredAt", "occurredAt"
     FROM "ConnectionEvent" WHERE id LIKE 'bench_${tag}_e%'`,
      seed.endpointId,
    ],
    [
      `${cte} INSERT INTO "OAuthSession" (id, data, "expiresAt")
     SELECT 'bench_${tag}_o' || g, '{}'::jsonb, t + interval '10 minutes' FROM flows WHERE g % 2 = 0`,
    ],
  ];
  for (const [sql, ...values] of statements) await prisma.$executeRawUnsafe(sql, ...values);
}

const TABLES = {
  ConnectionEvent: 'id',
  WebhookDelivery: '"eventId"',
  ConnectLink: 'id',
  OAuthSession: 'id',
  Session: 'id',
} as const;
type Table = keyof typeof TABLES;
type Counts = Record<Table, { aged: number; last: number }>;

async function countRows(prisma: PrismaClient): Promise<Counts> {
  const counts = {} as Counts;
  for (const [table, column] of Object.entries(TABLES) as [Table, string][]) {
    const [row] = await prisma.$queryRawUnsafe<{ aged: number; last: number }[]>(
      `SELECT count(*) FILTER (WHERE ${column} LIKE 'bench_aged_%')::int AS aged, count(*) FILTER (WHERE ${column} LIKE 'bench_last_%')::int AS last FROM "${table}"`,
    );
    counts[table] = row!;
  }
  return counts;
}

export async function retention(): Promise<Row[]> {
  const flows = size('BENCH_DAY_FLOWS', 50_000);
  const database = await createPostgresDatabase();
  // Its own sweeper stays out of the way: the bench drives one below.
  const app = await startTestApp(database, {}, { sweepIntervalMs: 3_600_000 });
  try {
    const prisma = app.database.prisma;
    const { session, clientToken } = await startSession(app, 'retention_seed', ['openai']);
    const { connectLink } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
    const link = await prisma.connectLink.findUniqueOrThrow({ where: { id: rawId(connectLink.id) }, include: { session: true } });
    const endpoint = await app.gql(`mutation { createWebhookEndpoint(input: { url: "https://hooks.example.com/bench" }) { webhookEndpoint { id } } }`);
    const seed: Seed = {
      projectId: link.session.projectId,
      accountId: link.connectedAccountId,
      authConfigId: link.authConfigId,
      endpointId: rawId(endpoint.data!.createWebhookEndpoint.webhookEndpoint.id),
    };
    const oldest = Math.max(DEFAULT_RETENTION.eventsDays, DEFAULT_RETENTION.webhookDeliveriesDays, DEFAULT_RETENTION.connectLinksDays);
    note(`retention: writing a day of ${count(flows)} flows twice…`);
    await insertDay(prisma, seed, 'aged', Date.now() - (oldest + 2) * DAY_MS, flows);
    await insertDay(prisma, seed, 'last', Date.now() - DAY_MS, flows);
    const before = await countRows(prisma);

    // The real sweeper, told to apply retention on every tick; each run that deleted rows logs it.
    const runs: Record<string, number>[] = [];
    const logger = createLogger('info', {
      write(line: string) {
        const entry = JSON.parse(line) as Record<string, number> & { msg: string };
        if (entry.msg === 'deleted rows past their retention') runs.push(entry);
      },
    });
    const began = performance.now();
    const stopSweeper = startSweeper({ ...app.deps, logger }, { intervalMs: 20, relayAfterMs: 60_000, retentionIntervalMs: 0 }, DEFAULT_RETENTION);
    let after = await countRows(prisma);
    const deadline = Date.now() + 300_000;
    while ((['ConnectionEvent', 'WebhookDelivery', 'ConnectLink', 'OAuthSession', 'Session'] as const).some((t) => after[t].aged > 0) && Date.now() < deadline) {
      await sleep(250);
      after = await countRows(prisma);
    }
    await stopSweeper();
    const elapsed = performance.now() - began;
    after = await countRows(prisma);

    const perRun = Math.max(...runs.flatMap((run) => [run.events ?? 0, run.webhookDeliveries ?? 0, run.connectLinks ?? 0, run.sessions ?? 0]));
    const dayRows = Math.max(...Object.values(before).map((c) => c.aged));
    const rows: Row[] = [
      {
        what: `a day of traffic: ${count(flows)} flows (1 in 10 abandoned, half over OAuth), written as 32 days ago and as the last day`,
        figure: `per day ${count(before.ConnectionEvent.aged)} events, ${count(before.WebhookDelivery.aged)} deliveries, ${count(before.ConnectLink.aged)} links, ${count(before.OAuthSession.aged)} OAuth sessions, ${count(before.Session.aged)} sessions`,
      },
    ];
    const table = (name: Table, label: string, agedGoes: boolean) => {
      const b = before[name];
      const a = after[name];
      rows.push({
        what: `  ${label}: aged day + last day, before → after the sweeper`,
        figure: `${count(b.aged)} + ${count(b.last)} → ${count(a.aged)} + ${count(a.last)}`,
        target: agedGoes ? 'aged day deleted, last day kept' : 'expired rows deleted',
        pass: a.aged === 0 && (agedGoes ? a.last === b.last : true),
      });
    };
    table('ConnectionEvent', 'ConnectionEvent', true);
    table('WebhookDelivery', 'WebhookDelivery', true);
    table('ConnectLink', 'ConnectLink (finished)', true);
    table('OAuthSession', 'OAuthSession (expired)', false);
    table('Session', 'Session (ended)', false);
    rows.push({
      what: '  sweeper runs to delete the aged day (one run a minute per instance)',
      figure: `${runs.length} runs in ${(elapsed / 1000).toFixed(1)} s; up to ${count(perRun)} rows per table per run = ${count(perRun * RUNS_PER_DAY)} per day per instance`,
      target: "≥ a day's rows",
      pass: perRun * RUNS_PER_DAY >= dayRows,
      scaled: flows < 50_000,
    });
    for (const row of rows) note(`${row.what}: ${row.figure}`);
    return rows;
  } finally {
    await app.stop();
    await database.drop();
  }
}
