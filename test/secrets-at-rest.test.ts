import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../src/domain/crypto/secrets.js';
import { startTestApp, type TestApp } from './support/app.js';
import { databaseModes, type TestDatabase } from './support/databases.js';
import { findSecrets, runSecretBearingFlows, type Secrets } from './support/secret-flows.js';

const run = promisify(execFile);

/** The whole database as text: pg_dump on PostgreSQL; every row of every table on PGlite. */
async function dumpDatabase(app: TestApp, db: TestDatabase): Promise<string> {
  if (db.url) {
    const { stdout } = await run('pg_dump', ['--no-owner', '--dbname', db.url], { maxBuffer: 256 * 1024 * 1024 });
    return stdout;
  }
  const prisma = app.database.prisma;
  const tables = await prisma.$queryRawUnsafe<{ table: string }[]>(
    `SELECT table_schema || '"."' || table_name AS "table" FROM information_schema.tables
     WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
  );
  const parts: string[] = [];
  for (const { table } of tables) {
    const rows = await prisma.$queryRawUnsafe<{ row: string }[]>(`SELECT row_to_json(t)::text AS "row" FROM "${table}" t`);
    parts.push(`-- ${table}`, ...rows.map((r) => r.row));
  }
  return parts.join('\n');
}

describe.each(databaseModes)('no plaintext secret in the database ($name)', ({ create }) => {
  let db: TestDatabase;
  let app: TestApp;
  let secrets: Secrets;
  let close: () => Promise<void>;
  let dump: string;

  beforeAll(async () => {
    db = await create();
    app = await startTestApp(db);
    ({ secrets, close } = await runSecretBearingFlows(app));
    dump = await dumpDatabase(app, db);
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await close?.();
    await db?.drop();
  });

  it('dumped every table with the rows the flows wrote (the scan below is not vacuous)', () => {
    for (const table of ['ApiKey', 'Session', 'ConnectLink', 'ConnectedAccount', 'AuthConfig', 'OAuthSession', 'ConnectionEvent']) {
      expect(dump).toContain(table);
    }
    expect(dump).toContain('u_secrets');
    // What is there instead: hashes of bearer secrets.
    for (const name of ['adminApiKey', 'createdApiKey', 'sessionClientToken', 'oauthLinkToken', 'formLinkToken']) {
      expect(dump, name).toContain(hashSecret(secrets[name]!));
    }
  });

  it('holds none of the tokens, client secret, link tokens, client token, API keys or typed key in clear', () => {
    expect(findSecrets(dump, secrets)).toEqual([]);
  });
});
