import type { EventBus } from '../../events/bus.js';
import type { Logger } from '../../logger.js';

/**
 * Rows nearly every request reads and few requests change, kept in memory on each instance:
 * whom a bearer token names, projects, sessions, toolkits, auth configs. Without it, one
 * `authorize` read six of them from the database before writing anything.
 *
 * Nothing stale is served:
 * - whatever changes one of these rows calls `changed(projectId)` before it answers: this
 *   instance drops the project's entries at once and the bus tells every other instance; with
 *   Redis, a counter is incremented first, and every lookup reads it (one GET) before trusting
 *   what it holds, so the next request anywhere sees the change even if the bus message is
 *   still on its way;
 * - while the bus cannot deliver (Redis down, or back but not yet re-subscribed) an instance
 *   could miss a change, so it caches nothing and reads the database; it starts from empty when
 *   the bus is live again;
 * - a load that overlaps a change is not kept (it may have read the row before the change);
 * - entries live at most `ttlMs` whatever happens.
 */
export interface ReadCache {
  /**
   * The cached value of `key`, or `load()`'s, kept when not null in the group `groupOf` names
   * (the project whose changes make it stale; `null`: only a change of every project does).
   */
  get<T>(key: string, load: () => Promise<T | null>, groupOf: (value: T) => string | null): Promise<T | null>;
  /** Keeps a value this instance has just written (a new row nobody else can have read before). */
  prime(key: string, value: unknown, group: string | null): void;
  /** A row of the project (`null`: of every project, or catalog toolkits) changed: drop, and tell the others. */
  changed(projectId: string | null): Promise<void>;
  /** Drops everything without telling anyone (this instance may have missed changes). */
  clear(): void;
  /** Stops listening to the bus. */
  close(): void;
}

export interface ReadCacheOptions {
  /** How long an entry may be served at most (default 30 s). */
  ttlMs?: number;
  /** Entries kept at most; the oldest go first (default 50,000). */
  maxEntries?: number;
}

interface Entry {
  value: unknown;
  group: string | null;
  expiresAt: number;
}

const ALL = '*';

export function createReadCache(bus: EventBus, logger: Logger, { ttlMs = 30_000, maxEntries = 50_000 }: ReadCacheOptions = {}): ReadCache {
  const entries = new Map<string, Entry>();
  const groups = new Map<string, Set<string>>();
  // Bumped by every change: a load that started under an older generation is not kept.
  let generation = 0;

  function drop(key: string): void {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    if (entry.group !== null) groups.get(entry.group)?.delete(key);
  }

  function dropGroup(projectId: string | null): void {
    generation++;
    if (projectId === null) return clear();
    for (const key of groups.get(projectId) ?? []) entries.delete(key);
    groups.delete(projectId);
  }

  function clear(): void {
    generation++;
    entries.clear();
    groups.clear();
  }

  function keep(key: string, value: unknown, group: string | null): void {
    if (entries.size >= maxEntries) {
      const oldest = entries.keys().next();
      if (!oldest.done) drop(oldest.value);
    }
    entries.set(key, { value, group, expiresAt: Date.now() + ttlMs });
    if (group === null) return;
    let keys = groups.get(group);
    if (!keys) groups.set(group, (keys = new Set()));
    keys.add(key);
  }

  const changes = bus.subscribe('config:changed');
  void (async () => {
    for await (const { projectId } of changes) dropGroup(projectId === ALL ? null : projectId);
  })().catch((error: unknown) => logger.warn({ err: error }, 'listening for configuration changes failed'));
  const stopListening = bus.onResubscribed(clear);
  let wasLive = true;
  let epoch: string | null = null;

  return {
    async get<T>(key: string, load: () => Promise<T | null>, groupOf: (value: T) => string | null): Promise<T | null> {
      const live = bus.live();
      if (!live) {
        if (wasLive) clear();
        wasLive = false;
        return load();
      }
      wasLive = true;
      // A message on the bus can reach this instance after the next request does (two sockets ready at once):
      // the epoch, incremented before every announcement, is read first, so a change answered elsewhere is
      // never served stale here.
      let current: string | null;
      try {
        current = await bus.configEpoch();
      } catch {
        return load();
      }
      if (current !== epoch) {
        clear();
        epoch = current;
      }
      const entry = entries.get(key);
      if (entry && entry.expiresAt > Date.now()) return entry.value as T;
      if (entry) drop(key);
      const startedAt = generation;
      const value = await load();
      if (value !== null && startedAt === generation && bus.live()) keep(key, value, groupOf(value));
      return value;
    },
    prime(key, value, group) {
      if (bus.live()) keep(key, value, group);
    },
    async changed(projectId) {
      dropGroup(projectId);
      try {
        await bus.announce({ projectId: projectId ?? ALL });
      } catch (error) {
        // Redis is unreachable from here; instances that still reach it drop the entry at its TTL.
        logger.warn({ err: error }, 'announcing a configuration change failed');
      }
    },
    clear,
    close() {
      stopListening();
      void changes.return?.();
    },
  };
}
