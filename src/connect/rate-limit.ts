import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from '../logger.js';

/** At most `points` requests per `durationSeconds`, per client. */
export interface RateLimitRule {
  points: number;
  durationSeconds: number;
}

export interface HostedRateLimitOptions {
  /** `/link/*`, the hosted pages (unknown tokens included, which slows down guessing). */
  link: RateLimitRule;
  /** `/connect/*`, the OAuth dance and its callbacks. */
  connect: RateLimitRule;
  /** Who a request counts against; default: the client IP (see {@link clientIp}). */
  keyOf?: (req: IncomingMessage) => string;
}

export const DEFAULT_HOSTED_RATE_LIMITS: HostedRateLimitOptions = {
  link: { points: 60, durationSeconds: 60 },
  connect: { points: 30, durationSeconds: 60 },
};

export type RateLimitScope = 'link' | 'connect';

export interface HostedRateLimiter {
  /** Counts the request; when over the limit, how long until the client may try again. */
  consume(scope: RateLimitScope, req: IncomingMessage): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The client's address: the socket's, or with `trustProxy` hops of reverse proxies in front,
 * the X-Forwarded-For entry the outermost trusted proxy appended. Entries left of it were
 * written by the client and are never believed.
 */
export function clientIp(req: IncomingMessage, trustProxy: number | undefined): string {
  const socketIp = req.socket.remoteAddress ?? 'unknown';
  if (!trustProxy) return socketIp;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  const candidate = hops[hops.length - trustProxy];
  return candidate && isIP(candidate) ? candidate : socketIp;
}

/**
 * Per-client limits on the hosted routes. In memory on one instance; with Redis, counted in
 * Redis so that the limit holds across instances, with an in-memory limiter as insurance
 * while Redis is unreachable (limits then hold per instance instead of failing open).
 */
export function createHostedRateLimiter(options: {
  rules: HostedRateLimitOptions;
  trustProxy: number | undefined;
  redisUrl: string | undefined;
  logger: Logger;
}): HostedRateLimiter {
  const { rules, trustProxy } = options;
  const keyOf = rules.keyOf ?? ((req: IncomingMessage) => clientIp(req, trustProxy));
  // Without the offline queue, a command fails at once while Redis is down and the insurance
  // limiter answers, instead of requests waiting for a reconnect.
  const redis = options.redisUrl
    ? new Redis(options.redisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 })
    : undefined;
  redis?.on('error', (error: Error) => options.logger.warn({ err: { message: error.message } }, 'rate limit store unavailable'));

  function limiter(scope: RateLimitScope): RateLimiterAbstract {
    const rule = rules[scope];
    const base = { keyPrefix: `connect-rl:${scope}`, points: rule.points, duration: rule.durationSeconds };
    const memory = new RateLimiterMemory(base);
    return redis ? new RateLimiterRedis({ ...base, storeClient: redis, insuranceLimiter: memory }) : memory;
  }
  const limiters = { link: limiter('link'), connect: limiter('connect') };

  return {
    async consume(scope, req) {
      try {
        await limiters[scope].consume(keyOf(req));
        return { allowed: true };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
        }
        throw rejection;
      }
    },
    async ready() {
      await redis?.connect();
    },
    async close() {
      if (redis && redis.status !== 'end') await redis.quit().catch(() => redis.disconnect());
    },
  };
}
