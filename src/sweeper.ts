import { expireLinks } from './domain/connections/link-outcomes.js';
import type { DomainDeps } from './domain/deps.js';
import { relayUnpublished } from './domain/events/outbox.js';
import { applyRetention, type RetentionPolicy } from './domain/events/retention.js';

/** How often housekeeping runs, and how long a published-but-unconfirmed event waits for relay. */
export interface SweeperTimings {
  intervalMs: number;
  /** An event committed this long ago and still not published lost its publisher: relay it. */
  relayAfterMs: number;
  /** How often this instance deletes rows past their retention (a bounded batch each time). */
  retentionIntervalMs: number;
}

export const DEFAULT_SWEEPER_TIMINGS: SweeperTimings = { intervalMs: 5_000, relayAfterMs: 5_000, retentionIntervalMs: 60_000 };

/**
 * Periodic housekeeping, safe to run on every instance at once (each step claims its rows with
 * SKIP LOCKED or deletes idempotently): retry due webhooks, expire unused links, re-publish
 * events whose publisher died, refresh tokens ahead of expiry, drop finished OAuth dance
 * sessions, and delete rows past their retention. Returns a stop function that waits for a
 * running tick.
 */
export function startSweeper(deps: DomainDeps, timings: SweeperTimings, retention: RetentionPolicy): () => Promise<void> {
  let running: Promise<void> | undefined;
  let lastRetention = Date.now();
  const tick = async () => {
    try {
      // Retries due now; its own worker, so a slow receiver does not hold up the other steps.
      deps.webhookDelivery.trigger();
      const expired = await expireLinks(deps);
      if (expired > 0) deps.logger.info({ expired }, 'expired unused connect links');
      await relayUnpublished(deps, timings.relayAfterMs);
      await deps.refresher.refreshDue();
      await deps.prisma.oAuthSession.deleteMany({ where: { expiresAt: { lt: new Date() } } });
      if (Date.now() - lastRetention >= timings.retentionIntervalMs) {
        lastRetention = Date.now();
        const deleted = await applyRetention(deps.prisma, retention);
        if (deleted.events + deleted.webhookDeliveries + deleted.connectLinks > 0) deps.logger.info(deleted, 'deleted rows past their retention');
      }
    } catch (error) {
      deps.logger.error({ err: error }, 'sweep failed');
    }
  };
  const timer = setInterval(() => {
    running ??= tick().finally(() => {
      running = undefined;
    });
  }, timings.intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
    await deps.webhookDelivery.idle();
  };
}
