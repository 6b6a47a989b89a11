import { randomUUID } from 'node:crypto';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';
import type { ConnectionStatus } from '../generated/prisma/client.js';
import type { Logger } from '../logger.js';

/**
 * What travels on the bus: ids, and what a status subscriber shows of the event (its status,
 * reason and time), never anything else of the account. An event row never changes once
 * written, so these cannot go stale; subscribers re-read the rest. The status fields are
 * optional: a change without them (published by an older instance) is read from the database.
 */
export interface ConnectionChanged {
  eventId: string;
  connectedAccountId: string;
  connectLinkId: string | null;
  status?: ConnectionStatus;
  statusReason?: string | null;
  /** ISO 8601, as it travels through JSON. */
  occurredAt?: string;
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
export type ConnectionTopic = 'account:changed' | 'link:changed';

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
  /**
   * Calls `listener` with every change published for `id` from now on, until the returned
   * function is called: one callback on the bus per subscriber, where a pubsub subscription
   * would hold an async iterator. Await `settled()` before reading state the changes concern.
   */
  listen<Topic extends ConnectionTopic>(topic: Topic, id: string, listener: (change: Topics[Topic][1]) => void): () => void;
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

/** The event target under the pubsub: events named `${topic}:${id}`, payloads in `detail`. */
type ChangeTarget = {
  addEventListener(type: string, listener: (event: CustomEvent) => void): void;
  removeEventListener(type: string, listener: (event: CustomEvent) => void): void;
  dispatchEvent(event: CustomEvent): boolean;
};

function listenOn(eventTarget: ChangeTarget): EventBus['listen'] {
  return (topic, id, listener) => {
    const type = `${topic}:${id}`;
    const onEvent = (event: CustomEvent) => listener(event.detail);
    eventTarget.addEventListener(type, onEvent);
    return () => eventTarget.removeEventListener(type, onEvent);
  };
}

/** The in-process bus (one instance) or the Redis one (any number of instances). */
export function createEventBus(redisUrl: string | undefined, logger?: Logger): EventBus {
  if (!redisUrl) {
    const eventTarget = new EventTarget() as unknown as ChangeTarget;
    const pubsub = createPubSub<Topics>({ eventTarget });
    return Object.assign(pubsub, {
      listen: listenOn(eventTarget),
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
  const eventTarget = createRedisEventTarget<CustomEvent>({ publishClient, subscribeClient }) as ChangeTarget;
  const pubsub = createPubSub<Topics>({ eventTarget });
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
    listen: listenOn(eventTarget),
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
