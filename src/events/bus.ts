import { randomUUID } from 'node:crypto';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, Repeater } from 'graphql-yoga';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

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

/** The Redis key of the configuration version (see EventBus.configVersion). */
const CONFIG_VERSION_KEY = 'connect:config-version';

/** The topics keyed by an id, whose publishes the outbox confirms. */
type ConnectionTopic = 'account:changed' | 'link:changed';

export type EventBus = ReturnType<typeof createPubSub<Topics>> & {
  /**
   * Publishes and resolves once the bus has taken the message (Redis acknowledged it); rejects
   * when it could not, e.g. while Redis is down, so the caller can keep the event for later.
   */
  deliver<Topic extends ConnectionTopic>(topic: Topic, id: Topics[Topic][0], payload: Topics[Topic][1]): Promise<void>;
  /**
   * Replaces the configuration version read caches compare against (see read-cache.ts) and resolves once Redis
   * took it; rejects when it could not. Nothing to do in process: the one instance's cache is the only one.
   */
  markConfigChanged(): Promise<void>;
  /** The configuration version (a random id, null before any change); a constant in process; rejects while Redis is unreachable. */
  configVersion(): Promise<string | null>;
  /** Resolves when the bus is usable; Redis connections are established. */
  ready(): Promise<void>;
  /** Resolves once every subscription made so far is live (Redis has processed its SUBSCRIBE). */
  settled(): Promise<void>;
  /**
   * Calls `listener` each time the bus is live again after an outage (Redis reconnected and
   * every channel re-subscribed): events published meanwhile may have been missed. Never, in
   * process. Returns a function that stops listening.
   */
  onResubscribed(listener: () => void): () => void;
  close(): Promise<void>;
};

/** The in-process bus (one instance) or the Redis one (any number of instances). */
export function createEventBus(redisUrl: string | undefined, logger?: Logger): EventBus {
  if (!redisUrl) {
    const pubsub = createPubSub<Topics>();
    return Object.assign(pubsub, {
      deliver: async <Topic extends ConnectionTopic>(topic: Topic, id: Topics[Topic][0], payload: Topics[Topic][1]) => {
        (pubsub.publish as (topic: Topic, id: string, payload: Topics[Topic][1]) => void)(topic, id, payload);
      },
      markConfigChanged: async () => {},
      configVersion: async () => 'in-process',
      ready: async () => {},
      settled: async () => {},
      onResubscribed: () => () => {},
      close: async () => {},
    });
  }
  // Pub/sub needs a dedicated connection for SUBSCRIBE, and one more to publish. Publishing has
  // no offline queue: while Redis is down a publish fails at once and the event stays in the
  // outbox for the relay, instead of going out later to instances that may not listen yet.
  const publishClient = new Redis(redisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: true });
  for (const client of [publishClient, subscribeClient]) {
    client.on('error', (error: Error) => logger?.warn({ err: { message: error.message } }, 'event bus: Redis unavailable'));
  }
  const pubsub = createPubSub<Topics>({
    eventTarget: createRedisEventTarget({ publishClient, subscribeClient }),
  });
  const resubscribed = new Set<() => void>();
  let connectedBefore = false;
  subscribeClient.on('ready', () => {
    if (!connectedBefore) {
      connectedBefore = true;
      return;
    }
    // ioredis has just re-sent SUBSCRIBE for every channel; the PING's reply comes after theirs.
    subscribeClient.ping().then(
      () => {
        for (const listener of resubscribed) listener();
      },
      () => {},
    );
  });
  return Object.assign(pubsub, {
    deliver: async <Topic extends ConnectionTopic>(topic: Topic, id: Topics[Topic][0], payload: Topics[Topic][1]) => {
      // The channel and message as @graphql-yoga/redis-event-target writes and reads them.
      await publishClient.publish(`${topic}:${id}`, JSON.stringify(payload));
    },
    // A random id rather than a counter: a Redis that lost its data and counted again could repeat a value.
    markConfigChanged: async () => {
      await publishClient.set(CONFIG_VERSION_KEY, randomUUID());
    },
    configVersion: () => publishClient.get(CONFIG_VERSION_KEY),
    ready: async () => {
      await Promise.all([publishClient.connect(), subscribeClient.connect()]);
    },
    // Redis answers a connection's commands in order: the PING's reply comes after SUBSCRIBE's.
    settled: async () => {
      await subscribeClient.ping();
    },
    onResubscribed: (listener: () => void) => {
      resubscribed.add(listener);
      return () => void resubscribed.delete(listener);
    },
    close: async () => {
      await Promise.all([publishClient.quit(), subscribeClient.quit()]);
    },
  });
}

export function publishAccessEnded(bus: EventBus, event: AccessEnded): void {
  bus.publish('access:ended', event);
}

/** Resolves once the bus has taken the change for both its topics; rejects if it could not. */
export async function publishConnectionChanged(bus: EventBus, event: ConnectionChanged): Promise<void> {
  await Promise.all([
    bus.deliver('account:changed', event.connectedAccountId, event),
    event.connectLinkId ? bus.deliver('link:changed', event.connectLinkId, event) : undefined,
  ]);
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

/** A change arriving on the bus, or `null`: the state may have changed unseen, read it again. */
export type Nudged<Change> = Change | null;

/**
 * Runs `follow` over a bus subscription that is live before it starts, as one stream for a
 * GraphQL subscription. A Repeater, unlike an async generator, ends at once when the subscriber
 * leaves, even while no event is coming: the bus subscription (a Redis channel) is released
 * then, not at the next event on it. `nudges` (optional) registers a callback that puts a
 * `null` into the stream, telling `follow` to re-read the state.
 */
export function followBus<Change, Out>(
  bus: EventBus,
  subscription: AsyncIterableIterator<Change>,
  follow: (changes: AsyncIterable<Nudged<Change>>) => AsyncIterable<Out>,
  nudges?: (nudge: () => void) => () => void,
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
    // Changes and nudges merged: a nudge pending while a change is awaited wins the race.
    let nudged = false;
    let wake: (() => void) | undefined;
    const unregister = nudges?.(() => {
      nudged = true;
      wake?.();
    });
    let pending: Promise<IteratorResult<Change>> | undefined;
    const merged: AsyncIterator<Nudged<Change>> = {
      async next() {
        for (;;) {
          if (nudged) {
            nudged = false;
            return { done: false, value: null };
          }
          pending ??= changes.next();
          const woken = new Promise<'nudge'>((resolve) => (wake = () => resolve('nudge')));
          const result = await Promise.race([pending, woken]);
          wake = undefined;
          if (result === 'nudge') continue;
          pending = undefined;
          return result;
        }
      },
      return: async () => {
        await changes.return?.();
        return { done: true, value: undefined };
      },
    };
    void stop.then(() => changes.return?.()).catch(() => {});
    try {
      for await (const value of follow({ [Symbol.asyncIterator]: () => merged })) await push(value);
    } finally {
      unregister?.();
      stop();
      await changes.return?.();
    }
  });
}
