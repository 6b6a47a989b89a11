import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';

/**
 * What travels on the bus: ids only, never rows. Subscribers re-read the state, so a payload
 * can neither leak a secret nor go stale, and it survives JSON over Redis unchanged.
 */
export interface ConnectionChanged {
  eventId: string;
  connectedAccountId: string;
  connectLinkId: string | null;
}

/** Topics: one per connected account and one per connect link, so Redis only fans out to the
 * instances that hold a subscriber for that id. */
type Topics = {
  'account:changed': [connectedAccountId: string, payload: ConnectionChanged];
  'link:changed': [connectLinkId: string, payload: ConnectionChanged];
};

export type EventBus = ReturnType<typeof createPubSub<Topics>> & {
  /** Resolves when the bus is usable; Redis connections are established. */
  ready(): Promise<void>;
  close(): Promise<void>;
};

/** The in-process bus (one instance) or the Redis one (any number of instances). */
export function createEventBus(redisUrl: string | undefined): EventBus {
  if (!redisUrl) {
    return Object.assign(createPubSub<Topics>(), { ready: async () => {}, close: async () => {} });
  }
  // Pub/sub needs a dedicated connection for SUBSCRIBE, and one more to publish.
  const publishClient = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: true });
  const pubsub = createPubSub<Topics>({
    eventTarget: createRedisEventTarget({ publishClient, subscribeClient }),
  });
  return Object.assign(pubsub, {
    ready: async () => {
      await Promise.all([publishClient.connect(), subscribeClient.connect()]);
    },
    close: async () => {
      await Promise.all([publishClient.quit(), subscribeClient.quit()]);
    },
  });
}

export function publishConnectionChanged(bus: EventBus, event: ConnectionChanged): void {
  bus.publish('account:changed', event.connectedAccountId, event);
  if (event.connectLinkId) bus.publish('link:changed', event.connectLinkId, event);
}
