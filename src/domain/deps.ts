import type { Config } from '../config.js';
import type { PrismaClient } from '../db/index.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../logger.js';
import type { KeyRing } from './crypto/encryption.js';

/** What the domain services need from the outside world, assembled once by the app. */
export interface DomainDeps {
  prisma: PrismaClient;
  keyRing: KeyRing;
  bus: EventBus;
  logger: Logger;
  /** Base URL of this server, for Connect Links and redirect URIs. */
  publicUrl: string;
  managedOAuthApps: Config['managedOAuthApps'];
}
