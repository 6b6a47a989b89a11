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
        return new ReleaseWhenDone(result as AsyncIterable<ExecutionResult>, () => release(sessionId));
      });
    },
  };
}

/** The same stream, calling `release` once when it ends: finished, failed, or left by its client. */
class ReleaseWhenDone<T> implements AsyncIterableIterator<T> {
  private readonly source: AsyncIterator<T>;
  private release: (() => void) | null;

  constructor(source: AsyncIterable<T>, release: () => void) {
    this.source = source[Symbol.asyncIterator]();
    this.release = release;
  }

  private done(): void {
    const release = this.release;
    this.release = null;
    release?.();
  }

  async next(): Promise<IteratorResult<T>> {
    try {
      const step = await this.source.next();
      if (step.done) this.done();
      return step;
    } catch (error) {
      this.done();
      throw error;
    }
  }

  async return(value?: unknown): Promise<IteratorResult<T>> {
    this.done();
    return (await this.source.return?.(value)) ?? { done: true, value: undefined as T };
  }

  async throw(error?: unknown): Promise<IteratorResult<T>> {
    this.done();
    if (this.source.throw) return this.source.throw(error);
    throw error;
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}
