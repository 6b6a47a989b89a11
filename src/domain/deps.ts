import type { Config } from '../config.js';
import type { Egress } from '../egress/index.js';
import type { PrismaClient } from '../db/index.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../logger.js';
import type { SessionQuotas } from './access/quotas.js';
import type { ReadCache } from './access/read-cache.js';
import type { Refresher } from './connections/refresh.js';
import type { StatusWatch } from './connections/status-watch.js';
import type { KeyRing } from './crypto/encryption.js';
import type { PublishedMarks } from './events/outbox.js';
import type { WebhookDelivery } from './events/webhook-delivery.js';

/** What every domain service needs from the outside world, assembled once by the app. */
export interface CoreDeps {
  prisma: PrismaClient;
  keyRing: KeyRing;
  bus: EventBus;
  logger: Logger;
  /** Base URL of this server, for Connect Links and redirect URIs. */
  publicUrl: string;
  managedOAuthApps: Config['managedOAuthApps'];
  /** This instance's webhook worker: publishing an event starts it. */
  webhookDelivery: WebhookDelivery;
  /** Every outbound connection goes through it: private addresses are refused unless allowed. */
  egress: Egress;
  /** Marks events the bus took as published, many requests' in one statement. */
  publishedMarks: PublishedMarks;
  /** Callers, projects, sessions, toolkits and auth configs as last read; changes go through it. */
  readCache: ReadCache;
}

/** The core plus the services built on it (in this order, by the app's composition root). */
export interface DomainDeps extends CoreDeps {
  /** Token refresh, once per burst across every instance. */
  refresher: Refresher;
  /** Re-reads open status subscriptions that may have missed an event (bus outage, safety net). */
  statusWatch: StatusWatch;
  /** Per-session-token rate limits (authorize calls per minute). */
  sessionQuotas: SessionQuotas;
}
