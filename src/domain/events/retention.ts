import type { PrismaClient } from '../../db/index.js';

/** How many days finished rows are kept; 0 keeps them forever. */
export interface RetentionPolicy {
  eventsDays: number;
  webhookDeliveriesDays: number;
  connectLinksDays: number;
  /** Days after a session expired or was revoked; sessions that never expire are kept. */
  sessionsDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { eventsDays: 30, webhookDeliveriesDays: 30, connectLinksDays: 7, sessionsDays: 30 };

/** Rows deleted per statement, and statements per table per run: a run stays short. */
const BATCH = 1_000;
const BATCHES_PER_RUN = 4;

export interface RetentionResult {
  events: number;
  webhookDeliveries: number;
  connectLinks: number;
  sessions: number;
}

function cutoff(days: number, now: number): Date {
  return new Date(now - days * 86_400_000);
}

/** Deletes in batches until a batch comes back short or the run's budget is spent. */
async function inBatches(deleteBatch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (let i = 0; i < BATCHES_PER_RUN; i++) {
    const deleted = await deleteBatch();
    total += deleted;
    if (deleted < BATCH) break;
  }
  return total;
}

/** Per table: the days it keeps, and one batch deleted of what is older than `before`. */
function steps(prisma: PrismaClient, policy: RetentionPolicy) {
  return {
    webhookDeliveries: [
      policy.webhookDeliveriesDays,
      (before: Date) => prisma.$executeRaw`
        DELETE FROM "WebhookDelivery" WHERE id IN (
          SELECT id FROM "WebhookDelivery"
          WHERE status <> 'PENDING' AND "createdAt" < ${before}
          LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)`,
    ],
    events: [
      policy.eventsDays,
      (before: Date) => prisma.$executeRaw`
        DELETE FROM "ConnectionEvent" WHERE id IN (
          SELECT e.id FROM "ConnectionEvent" e
          WHERE e."occurredAt" < ${before} AND e."publishedAt" IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM "WebhookDelivery" d WHERE d."eventId" = e.id AND d.status = 'PENDING')
          LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)`,
    ],
    connectLinks: [
      policy.connectLinksDays,
      (before: Date) => prisma.$executeRaw`
        DELETE FROM "ConnectLink" WHERE id IN (
          SELECT id FROM "ConnectLink"
          WHERE status <> 'PENDING' AND "expiresAt" < ${before}
          LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)`,
    ],
    // One per conversation: ended ones go with their finished links and pins (cascade); a
    // session with a link still pending stays until the sweeper has expired it.
    sessions: [
      policy.sessionsDays,
      (before: Date) => prisma.$executeRaw`
        DELETE FROM "Session" WHERE id IN (
          SELECT s.id FROM "Session" s
          WHERE (s."revokedAt" < ${before} OR s."expiresAt" < ${before})
            AND NOT EXISTS (SELECT 1 FROM "ConnectLink" l WHERE l."sessionId" = s.id AND l.status = 'PENDING')
          LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)`,
    ],
  } satisfies Record<keyof RetentionResult, [days: number, deleteBatch: (before: Date) => Promise<number>]>;
}

/**
 * Deletes what is finished and older than the policy says, never what is still needed:
 * webhook deliveries still PENDING, events not yet published or still owed to a receiver,
 * Connect Links still PENDING (the sweeper expires those first), sessions holding one. Rows are picked with SKIP
 * LOCKED, so any number of instances may run this at once.
 */
export async function applyRetention(prisma: PrismaClient, policy: RetentionPolicy, now = Date.now()): Promise<RetentionResult> {
  const result: RetentionResult = { events: 0, webhookDeliveries: 0, connectLinks: 0, sessions: 0 };
  // Deliveries first: an event is kept while a pending delivery still needs it.
  for (const [table, [days, deleteBatch]] of Object.entries(steps(prisma, policy)) as [keyof RetentionResult, [number, (before: Date) => Promise<number>]][]) {
    if (days > 0) result[table] = await inBatches(() => deleteBatch(cutoff(days, now)));
  }
  return result;
}
