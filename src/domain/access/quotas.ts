import { RateLimiterRes } from 'rate-limiter-flexible';
import type { SharedCounters } from '../../events/counters.js';
import { DomainError } from '../errors.js';
import type { Caller } from './caller.js';

/** Limits on what one session client token may do, counted across instances that share Redis. */
export interface SessionQuotas {
  /** Counts one authorize by a session client token; throws RATE_LIMITED past the limit. API keys are not counted. */
  countAuthorize(caller: Caller): Promise<void>;
}

export function createSessionQuotas(counters: SharedCounters, rules: { authorizePerMinute: number }): SessionQuotas {
  const authorize = counters.limiter('session-authorize', { points: rules.authorizePerMinute, durationSeconds: 60 });
  return {
    async countAuthorize(caller) {
      if (caller.kind !== 'session') return;
      try {
        await authorize.consume(caller.sessionId);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw new DomainError(
          'RATE_LIMITED',
          `This session client token may call authorize ${rules.authorizePerMinute} times per minute; try again in ${retryAfterSeconds} s.`,
          [],
          { retryAfterSeconds },
        );
      }
    },
  };
}
