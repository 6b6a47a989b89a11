import type { EventBus } from '../../events/bus.js';
import type { Logger } from '../../logger.js';

/**
 * Rows nearly every request reads and few requests change, kept in memory on each instance:
 * whom a bearer token names, projects, sessions, toolkits, auth configs. Without it, one
 * `authorize` read six of them from the database before writing anything.
 *
 * Nothing stale is served:
 * - whatever changes one of these rows calls `changed()` before it answers: this instance
 *   empties its cache, and with Redis the configuration version is replaced;
 * - every lookup reads that version first (one Redis GET) and empties the cache when it is not
 *   the one its entries were read under, so the next request on any instance sees the change;
 * - while Redis cannot answer, nothing is cached or served from the cache;
 * - a load that overlaps a change here is not kept (it may have read the row before it);
 * - entries live at most `ttlMs` whatever happens.
 * Changes are rare (revocations, settings), so emptying everything is simpler than tracking
 * which entries each one touches, and costs little.
 */
export interface ReadCache {
  /** The cached value of `key`, or `load()`'s, kept when not null. */
  get<T>(key: string, load: () => Promise<T | null>): Promise<T | null>;
  /** Keeps a value this instance has just written (a new row nobody else can have read before). */
  prime(key: string, value: unknown): void;
  /** One of the cached rows changed: every instance stops serving what it holds. */
  changed(): Promise<void>;
}

export interface ReadCacheOptions {
  /** How long an entry may be served at most (default 30 s). */
  ttlMs?: number;
  /** Entries kept at most; the oldest go first (default 50,000). */
  maxEntries?: number;
}

interface Entry {
  value: unknown;
  expiresAt: number;
}

export function createReadCache(bus: EventBus, logger: Logger, { ttlMs = 30_000, maxEntries = 50_000 }: ReadCacheOptions = {}): ReadCache {
  const entries = new Map<string, Entry>();
  // Bumped by every emptying: a load that started before it is not kept.
  let generation = 0;
  // The configuration version the entries were read under; undefined before the first lookup.
  let version: string | null | undefined;

  function clear(): void {
    generation++;
    entries.clear();
  }

  function keep(key: string, value: unknown): void {
    if (entries.size >= maxEntries) {
      const oldest = entries.keys().next();
      if (!oldest.done) entries.delete(oldest.value);
    }
    entries.set(key, { value, expiresAt: Date.now() + ttlMs });
  }

  return {
    async get<T>(key: string, load: () => Promise<T | null>): Promise<T | null> {
      let current: string | null;
      try {
        current = await bus.configVersion();
      } catch {
        // Changes made meanwhile cannot be told apart: read the database, and start afresh.
        clear();
        version = undefined;
        return load();
      }
      if (current !== version) {
        clear();
        version = current;
      }
      const entry = entries.get(key);
      if (entry && entry.expiresAt > Date.now()) return entry.value as T;
      const startedAt = generation;
      const value = await load();
      if (value !== null && startedAt === generation) keep(key, value);
      return value;
    },
    prime(key, value) {
      if (version !== undefined) keep(key, value);
    },
    async changed() {
      clear();
      try {
        await bus.markConfigChanged();
      } catch (error) {
        // Redis is unreachable from here; instances that still reach it drop the entry at its TTL.
        logger.warn({ err: error }, 'marking a configuration change failed');
      }
    },
  };
}
