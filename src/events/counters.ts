import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from '../logger.js';

/**
 * Counters every instance sees: in memory on one instance; with Redis, counted in Redis so a
 * limit holds across instances, with an in-memory limiter as insurance while Redis is
 * unreachable (limits then hold per instance instead of failing open).
 */
export interface SharedCounters {
  /** A fixed-window limiter of `points` per `durationSeconds`, named so instances share it. */
  limiter(name: string, rule: { points: number; durationSeconds: number }): RateLimiterAbstract;
  ready(): Promise<void>;
  close(): Promise<void>;
}

export function createSharedCounters(redisUrl: string | undefined, logger: Logger): SharedCounters {
  // Without the offline queue, a command fails at once while Redis is down and the insurance
  // limiter answers, instead of requests waiting for a reconnect.
  const redis = redisUrl
    ? new Redis(redisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 })
    : undefined;
  redis?.on('error', (error: Error) => logger.warn({ err: { message: error.message } }, 'shared counters unavailable'));

  return {
    limiter(name, rule) {
      const base = { keyPrefix: `connect-rl:${name}`, points: rule.points, duration: rule.durationSeconds };
      const memory = new RateLimiterMemory(base);
      return redis ? new RateLimiterRedis({ ...base, storeClient: redis, insuranceLimiter: memory }) : memory;
    },
    async ready() {
      await redis?.connect();
    },
    async close() {
      if (redis && redis.status !== 'end') await redis.quit().catch(() => redis.disconnect());
    },
  };
}
