import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { SharedCounters } from '../events/counters.js';

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

/** The rules of RATE_LIMIT_LINK_PER_MINUTE and RATE_LIMIT_CONNECT_PER_MINUTE. */
export function hostedRateLimitsOf(perMinute: { linkPerMinute: number; connectPerMinute: number }): HostedRateLimitOptions {
  return {
    link: { points: perMinute.linkPerMinute, durationSeconds: 60 },
    connect: { points: perMinute.connectPerMinute, durationSeconds: 60 },
  };
}

export type RateLimitScope = 'link' | 'connect';

export interface HostedRateLimiter {
  /** Counts the request; when over the limit, how long until the client may try again. */
  consume(scope: RateLimitScope, req: IncomingMessage): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
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

/** Per-client limits on the hosted routes, counted across instances when they share Redis. */
export function createHostedRateLimiter(options: {
  rules: HostedRateLimitOptions;
  trustProxy: number | undefined;
  counters: SharedCounters;
}): HostedRateLimiter {
  const { rules, trustProxy, counters } = options;
  const keyOf = rules.keyOf ?? ((req: IncomingMessage) => clientIp(req, trustProxy));
  const limiters = { link: counters.limiter('link', rules.link), connect: counters.limiter('connect', rules.connect) };

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
  };
}
