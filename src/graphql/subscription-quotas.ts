import { GraphQLError, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { Context } from './context.js';

export const QUOTA_EXCEEDED = 'QUOTA_EXCEEDED';

export function quotaExceeded(message: string, max: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: QUOTA_EXCEEDED, max } });
}

/**
 * At most `max` subscriptions open at once per session client token, over WebSocket and SSE
 * together, counted per instance (each instance holds its own sockets and streams; with N
 * instances behind a balancer a token may hold up to N × max). API keys are not limited here;
 * their sockets are, by the per-socket limit in websocket.ts.
 */
export function useSessionSubscriptionQuota(max: number): Plugin<Context> {
  const open = new Map<string, number>();
  const release = (sessionId: string) => {
    const left = (open.get(sessionId) ?? 1) - 1;
    if (left > 0) open.set(sessionId, left);
    else open.delete(sessionId);
  };
  return {
    onSubscribe({ args, subscribeFn, setSubscribeFn, setResultAndStopExecution }) {
      const { principal } = args.contextValue as Context;
      if (principal.kind !== 'session') return;
      const { sessionId } = principal;
      const count = open.get(sessionId) ?? 0;
      if (count >= max) {
        setResultAndStopExecution({
          errors: [quotaExceeded(`A session client token may hold ${max} open subscriptions; close one first.`, max)],
        });
        return;
      }
      // Taken before the subscription starts, so concurrent requests cannot all slip under the limit.
      open.set(sessionId, count + 1);
      setSubscribeFn(async (subscribeArgs) => {
        let result: Awaited<ReturnType<typeof subscribeFn>>;
        try {
          result = await subscribeFn(subscribeArgs);
        } catch (error) {
          release(sessionId);
          throw error;
        }
        if (!isAsyncIterable(result)) {
          release(sessionId);
          return result;
        }
        return releaseWhenDone(result as AsyncIterable<ExecutionResult>, () => release(sessionId));
      });
    },
  };
}

/** The same stream, calling `release` once when it ends: finished, failed, or left by its client. */
function releaseWhenDone<T>(source: AsyncIterable<T>, release: () => void): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let released = false;
  const once = () => {
    if (released) return;
    released = true;
    release();
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      try {
        const step = await iterator.next();
        if (step.done) once();
        return step;
      } catch (error) {
        once();
        throw error;
      }
    },
    async return(value?: unknown) {
      once();
      return (await iterator.return?.(value)) ?? { done: true, value: undefined as T };
    },
    async throw(error?: unknown) {
      once();
      if (iterator.throw) return iterator.throw(error);
      throw error;
    },
  };
}
