import { expireLinks } from './domain/connections/connect-links.js';
import type { DomainDeps } from './domain/deps.js';
import { relayUnpublished } from './domain/events/outbox.js';
import { refreshDueAccounts } from './domain/connections/refresh.js';
import { triggerWebhookDelivery, webhookDeliveryIdle } from './domain/events/webhook-delivery.js';

/**
 * Periodic housekeeping, safe to run on every instance at once (each step claims its rows with
 * SKIP LOCKED or deletes idempotently): expire unused links, re-publish events whose publisher
 * died, refresh tokens ahead of expiry, drop finished OAuth dance sessions. Returns a stop function that waits for a running tick.
 */
export function startSweeper(deps: DomainDeps, intervalMs: number): () => Promise<void> {
  let running: Promise<void> | undefined;
  const tick = async () => {
    try {
      // Retries due now; its own worker, so a slow receiver does not hold up the other steps.
      void triggerWebhookDelivery(deps);
      const expired = await expireLinks(deps);
      if (expired > 0) deps.logger.info({ expired }, 'expired unused connect links');
      await relayUnpublished(deps);
      await refreshDueAccounts(deps);
      await deps.prisma.oAuthSession.deleteMany({ where: { expiresAt: { lt: new Date() } } });
    } catch (error) {
      deps.logger.error({ err: error }, 'sweep failed');
    }
  };
  const timer = setInterval(() => {
    running ??= tick().finally(() => {
      running = undefined;
    });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
    await webhookDeliveryIdle(deps);
  };
}
