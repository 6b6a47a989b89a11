import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, Repeater } from 'graphql-yoga';
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
  'access:ended': [payload: AccessEnded];
};

/**
 * A credential stopped working (a session revoked): every instance re-checks its open
 * WebSockets and SSE streams at once instead of at its next periodic check.
 */
export interface AccessEnded {
  sessionId: string;
}

export type EventBus = ReturnType<typeof createPubSub<Topics>> & {
  /** Resolves when the bus is usable; Redis connections are established. */
  ready(): Promise<void>;
  /** Resolves once every subscription made so far is live (Redis has processed its SUBSCRIBE). */
  settled(): Promise<void>;
  close(): Promise<void>;
};

/** The in-process bus (one instance) or the Redis one (any number of instances). */
export function createEventBus(redisUrl: string | undefined): EventBus {
  if (!redisUrl) {
    return Object.assign(createPubSub<Topics>(), { ready: async () => {}, settled: async () => {}, close: async () => {} });
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
    // Redis answers a connection's commands in order: the PING's reply comes after SUBSCRIBE's.
    settled: async () => {
      await subscribeClient.ping();
    },
    close: async () => {
      await Promise.all([publishClient.quit(), subscribeClient.quit()]);
    },
  });
}

export function publishAccessEnded(bus: EventBus, event: AccessEnded): void {
  bus.publish('access:ended', event);
}

export function publishConnectionChanged(bus: EventBus, event: ConnectionChanged): void {
  bus.publish('account:changed', event.connectedAccountId, event);
  if (event.connectLinkId) bus.publish('link:changed', event.connectLinkId, event);
}

/**
 * Starts listening now and resolves once the subscription is live. A pubsub subscription only
 * attaches its listener on the first read, so a caller that reads state first and the bus later
 * would miss what happened in between; read state after this resolves and nothing is missed.
 */
async function listenNow<T>(bus: EventBus, subscription: AsyncIterableIterator<T>): Promise<AsyncIterator<T>> {
  let first: Promise<IteratorResult<T>> | undefined = subscription.next();
  await bus.settled();
  return {
    next: () => {
      const result = first ?? subscription.next();
      first = undefined;
      return result;
    },
    return: (value?: unknown) => subscription.return?.(value) ?? Promise.resolve({ done: true, value: undefined }),
  };
}

/**
 * Runs `follow` over a bus subscription that is live before it starts, as one stream for a
 * GraphQL subscription. A Repeater, unlike an async generator, ends at once when the subscriber
 * leaves, even while no event is coming: the bus subscription (a Redis channel) is released
 * then, not at the next event on it.
 */
export function followBus<Change, Out>(
  bus: EventBus,
  subscription: AsyncIterableIterator<Change>,
  follow: (changes: AsyncIterable<Change>) => AsyncIterable<Out>,
): AsyncIterableIterator<Out> {
  return new Repeater<Out>(async (push, stop) => {
    let changes: AsyncIterator<Change>;
    try {
      changes = await listenNow(bus, subscription);
    } catch (error) {
      // The listener is attached already; a bus that failed to settle must not keep it.
      await subscription.return?.();
      throw error;
    }
    void stop.then(() => changes.return?.()).catch(() => {});
    try {
      for await (const value of follow({ [Symbol.asyncIterator]: () => changes })) await push(value);
    } finally {
      stop();
      await changes.return?.();
    }
  });
}
