import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { isEgressRefusal } from '../../egress/index.js';
import type { Caller } from '../access/caller.js';
import type { CoreDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { publicId } from '../public-ids.js';
import { accountSnapshotSchema, type AccountSnapshot } from './event-types.js';
import { signingSecretOf, WEBHOOK_SECRET_PREFIX } from './webhooks.js';

/** How deliveries are attempted. The defaults suit production; tests shorten the waits. */
export interface WebhookDeliveryPolicy {
  /** Waits before the 2nd, 3rd… attempt; attempts stop (FAILED) after `length + 1`. */
  retryDelaysMs: readonly number[];
  /** Adds up to this fraction of each wait at random, so retries after an outage spread out. */
  jitter: number;
  /** Per-request timeout; a receiver slower than this counts as failed and is retried. */
  timeoutMs: number;
  /** Deliveries claimed (and sent concurrently) per batch. */
  batchSize: number;
}

const SECOND = 1000;
export const DEFAULT_WEBHOOK_DELIVERY_POLICY: WebhookDeliveryPolicy = {
  // 8 attempts over about 19 hours.
  retryDelaysMs: [5 * SECOND, 30 * SECOND, 120 * SECOND, 600 * SECOND, 3600 * SECOND, 6 * 3600 * SECOND, 12 * 3600 * SECOND],
  jitter: 0.2,
  timeoutMs: 10 * SECOND,
  batchSize: 20,
};
// A claimed delivery is invisible to other workers this long beyond the request timeout; if
// its worker dies mid-attempt, another one retries it afterwards (at least once, not exactly once).
const LEASE_MARGIN_MS = 30 * SECOND;
const MAX_BATCHES_PER_RUN = 50;
const MAX_ERROR_LENGTH = 300;

/** What delivering needs: the database, the key ring for signing secrets, a logger, the egress policy. */
type DeliveryDeps = Pick<CoreDeps, 'prisma' | 'keyRing' | 'logger' | 'egress'>;

/** This instance's webhook worker, built once by the app. */
export interface WebhookDelivery {
  /**
   * Delivers everything due now, in batches, without waiting (errors are logged). Calls while
   * a run is going only ask it for one more pass, so a burst of events costs one worker.
   */
  trigger(): void;
  /** Resolves once the running delivery run, if any, has ended (graceful shutdown). */
  idle(): Promise<void>;
}

/** `webhook-signature` per Standard Webhooks: HMAC-SHA256 of `id.timestamp.body`, keyed with the secret's bytes. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

interface ClaimedDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  attempts: number;
}

/**
 * Claims due deliveries of enabled endpoints: one statement that locks them with SKIP LOCKED
 * (workers on other instances take other rows), counts the attempt and leases the row by
 * moving `nextAttemptAt` past the attempt's timeout. No transaction stays open during HTTP.
 */
function claimDue(deps: DeliveryDeps, policy: WebhookDeliveryPolicy, now: Date) {
  const leaseUntil = new Date(now.getTime() + policy.timeoutMs + LEASE_MARGIN_MS);
  return deps.prisma.$queryRaw<ClaimedDelivery[]>`
    WITH due AS (
      SELECT d.id FROM "WebhookDelivery" d
      JOIN "WebhookEndpoint" e ON e.id = d."endpointId"
      WHERE d.status = 'PENDING' AND d."nextAttemptAt" <= ${now} AND e.enabled
      ORDER BY d."nextAttemptAt" LIMIT ${policy.batchSize}
      FOR UPDATE OF d SKIP LOCKED)
    UPDATE "WebhookDelivery" w SET attempts = w.attempts + 1, "lastAttemptAt" = ${now}, "nextAttemptAt" = ${leaseUntil}
    FROM due WHERE w.id = due.id
    RETURNING w.id, w."endpointId", w."eventId", w.attempts`;
}

function accountSnapshotOf(stored: unknown): AccountSnapshot | Record<string, never> {
  return accountSnapshotSchema.safeParse(stored).data ?? {};
}

/** The JSON bodies of the claimed events (Standard Webhooks' `type`, `timestamp`, `data`), by event id. */
async function bodiesOf(deps: DeliveryDeps, eventIds: string[]): Promise<Map<string, string>> {
  const events = await deps.prisma.connectionEvent.findMany({ where: { id: { in: eventIds } } });
  const accounts = await deps.prisma.connectedAccount.findMany({
    where: { id: { in: [...new Set(events.map((e) => e.connectedAccountId))] } },
    select: { id: true, userId: true, alias: true, toolkit: { select: { slug: true } } },
  });
  const accountById = new Map(accounts.map((a) => [a.id, a]));
  return new Map(
    events.map((event) => {
      // A deleted account is gone from the table; its events still say which account it was,
      // and its deletion event whose it was.
      const account = accountById.get(event.connectedAccountId);
      const owner = account
        ? { userId: account.userId, alias: account.alias, toolkit: account.toolkit.slug }
        : accountSnapshotOf(event.accountSnapshot);
      const data = {
        id: event.id,
        connectedAccountId: publicId('ConnectedAccount', event.connectedAccountId),
        connectLinkId: event.connectLinkId ? publicId('ConnectLink', event.connectLinkId) : null,
        status: event.status,
        statusReason: event.statusReason,
        occurredAt: event.occurredAt.toISOString(),
        ...owner,
      };
      return [event.id, JSON.stringify({ type: event.type, timestamp: data.occurredAt, data })];
    }),
  );
}

type AttemptResult =
  | { ok: true; statusCode: number }
  | { ok: false; statusCode: number | null; error: string; retryAfterMs?: number; cause?: string };

/**
 * What a delivery records when no answer came. One text for refused, reset, unresolvable and
 * timed out alike: the endpoint's owner reads it, and telling these apart would let them map
 * which ports answer on which hosts. The logs (the operator's) keep the cause.
 */
export const NO_ANSWER_ERROR = 'no answer: the connection failed or timed out';
export const EGRESS_REFUSED_ERROR = 'refused: the URL leads to a private or reserved address (see EGRESS_ALLOW_PRIVATE)';

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : (error as Error).name;
}

/** One signed POST. Redirects are not followed: the URL registered is the URL delivered to. */
async function attempt(
  deps: DeliveryDeps,
  url: string,
  secret: string,
  eventId: string,
  body: string,
  timeoutMs: number,
): Promise<AttemptResult> {
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    const response = await deps.egress.fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'connect-server-webhooks/1',
        'webhook-id': eventId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(secret, eventId, timestamp, body),
      },
      body,
    });
    // The answer's body is of no use; dropping it frees the connection.
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { ok: true, statusCode: response.status };
    const error =
      response.status >= 300 && response.status < 400 ? `HTTP ${response.status}: redirects are not followed` : `HTTP ${response.status}`;
    return { ok: false, statusCode: response.status, error, retryAfterMs: retryAfterMs(response.headers.get('retry-after')) };
  } catch (error) {
    if (isEgressRefusal(error)) return { ok: false, statusCode: null, error: EGRESS_REFUSED_ERROR };
    return { ok: false, statusCode: null, error: NO_ANSWER_ERROR, cause: causeOf(error) };
  }
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * SECOND;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** When to try again after failed attempt number `attempts`; null when attempts are used up. */
function nextAttemptDelay(policy: WebhookDeliveryPolicy, attempts: number, retryAfter: number | undefined): number | null {
  const base = policy.retryDelaysMs[attempts - 1];
  if (base === undefined) return null;
  const jittered = base * (1 + Math.random() * policy.jitter);
  // Honour Retry-After (429/503), but never beyond the schedule's longest wait.
  const longest = Math.max(...policy.retryDelaysMs);
  return Math.max(jittered, Math.min(retryAfter ?? 0, longest));
}

/**
 * Attempts one claimed delivery and records the outcome: DELIVERED on 2xx; FAILED at once on
 * 410 Gone (the receiver says it will never want it); otherwise (3xx, other 4xx, 5xx, network
 * errors, timeouts) a retry after the next wait of the schedule, or FAILED once it is used up.
 * 4xx are retried too because a receiver mid-deploy or misconfigured answers 401/404 for a while,
 * and its owner can fix it before the schedule ends. The update is conditional on the attempt
 * count, so a stale worker whose lease ran out cannot overwrite a newer attempt.
 */
async function deliverOne(
  deps: DeliveryDeps,
  policy: WebhookDeliveryPolicy,
  claimed: ClaimedDelivery,
  endpoint: { id: string; url: string; encryptedSecret: string } | undefined,
  body: string | undefined,
): Promise<void> {
  const result: AttemptResult =
    !endpoint || body === undefined
      ? { ok: false, statusCode: null, error: endpoint ? 'the event no longer exists' : 'the endpoint no longer exists' }
      : await attempt(deps, endpoint.url, signingSecretOf(deps, endpoint), claimed.eventId, body, policy.timeoutMs);
  const now = new Date();
  const guard = { id: claimed.id, attempts: claimed.attempts, status: 'PENDING' as const };
  if (result.ok) {
    await deps.prisma.webhookDelivery.updateMany({
      where: guard,
      data: { status: 'DELIVERED', deliveredAt: now, lastStatusCode: result.statusCode, lastError: null },
    });
    return;
  }
  const permanent = result.statusCode === 410 || !endpoint || body === undefined;
  const delay = permanent ? null : nextAttemptDelay(policy, claimed.attempts, result.retryAfterMs);
  const error = result.error.slice(0, MAX_ERROR_LENGTH);
  await deps.prisma.webhookDelivery.updateMany({
    where: guard,
    data: {
      lastStatusCode: result.statusCode,
      lastError: error,
      ...(delay === null ? { status: 'FAILED' } : { nextAttemptAt: new Date(now.getTime() + delay) }),
    },
  });
  // Never the secret, the body or the receiver's answer: ids and the failure only.
  const details = {
    deliveryId: claimed.id,
    endpointId: claimed.endpointId,
    eventId: claimed.eventId,
    attempt: claimed.attempts,
    error,
    ...(result.cause ? { cause: result.cause } : {}),
  };
  if (delay === null) deps.logger.warn(details, 'webhook delivery failed for good');
  else deps.logger.info({ ...details, retryInMs: Math.round(delay) }, 'webhook delivery failed; will retry');
}

/**
 * Claims one batch of due deliveries and attempts them concurrently; returns how many were
 * claimed. Safe to call from any number of places and instances at once (SKIP LOCKED).
 * Order between events is not guaranteed (retries overtake); payloads carry `occurredAt`.
 */
async function deliverDueWebhooks(deps: DeliveryDeps, policy: WebhookDeliveryPolicy): Promise<number> {
  const claimed = await claimDue(deps, policy, new Date());
  if (claimed.length === 0) return 0;
  const endpoints = await deps.prisma.webhookEndpoint.findMany({
    where: { id: { in: [...new Set(claimed.map((c) => c.endpointId))] } },
    select: { id: true, url: true, encryptedSecret: true },
  });
  const endpointById = new Map(endpoints.map((e) => [e.id, e]));
  const bodies = await bodiesOf(deps, [...new Set(claimed.map((c) => c.eventId))]);
  const results = await Promise.allSettled(
    claimed.map((c) => deliverOne(deps, policy, c, endpointById.get(c.endpointId), bodies.get(c.eventId))),
  );
  for (const result of results) {
    // The lease lets another attempt happen later; only say that this one broke.
    if (result.status === 'rejected') deps.logger.error({ err: result.reason }, 'webhook delivery attempt failed unexpectedly');
  }
  return claimed.length;
}

/** The worker of one app instance, with its policy. Any number of them share the work (SKIP LOCKED). */
export function createWebhookDelivery(deps: DeliveryDeps, policy: WebhookDeliveryPolicy): WebhookDelivery {
  let run: { done: Promise<void>; again: boolean } | undefined;

  function start(): { done: Promise<void>; again: boolean } {
    const current = { done: Promise.resolve(), again: false };
    current.done = (async () => {
      try {
        for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
          current.again = false;
          const claimed = await deliverDueWebhooks(deps, policy);
          if (claimed < policy.batchSize && !current.again) break;
        }
      } catch (error) {
        deps.logger.error({ err: error }, 'webhook delivery run failed');
      } finally {
        run = undefined;
      }
    })();
    return current;
  }

  return {
    trigger() {
      if (run) run.again = true;
      else run = start();
    },
    async idle() {
      await run?.done;
    },
  };
}

/**
 * Sends a delivery again from scratch (a full new retry schedule), whatever its status: the way
 * to replay what a receiver missed during an outage longer than the schedule.
 */
export async function retryWebhookDelivery(deps: CoreDeps, caller: Caller, id: string) {
  const reset = await deps.prisma.webhookDelivery.updateMany({
    where: { id, endpoint: { projectId: caller.projectId } },
    data: { status: 'PENDING', attempts: 0, nextAttemptAt: new Date(), deliveredAt: null },
  });
  if (reset.count !== 1) throw notFound('Webhook delivery');
  deps.webhookDelivery.trigger();
  return deps.prisma.webhookDelivery.findUniqueOrThrow({ where: { id } });
}
