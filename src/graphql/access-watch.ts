import { GraphQLError, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { PrismaClient } from '../db/index.js';
import type { Logger } from '../logger.js';
import { revokedApiKeyIds } from '../domain/access/api-keys.js';
import { endedSessions } from '../domain/access/sessions.js';
import type { EventBus } from '../events/bus.js';
import type { Context, Principal } from './context.js';

// How often long-lived connections are checked against revoked API keys and expired sessions.
// Each new operation is checked at once; this bounds how long an open one outlives its access.
// A revoked session does not wait for it: revokeSession tells every instance on the bus.
export const ACCESS_CHECK_MS = 5_000;

export interface AccessWatch {
  /** Calls `onEnded` (with why, for the caller) once the principal's key is revoked or its session ends; returns an unwatch. */
  watch(principal: Principal, onEnded: (message: string) => void): () => void;
  stop(): void;
}

const ENDED_MESSAGES = {
  apiKey: 'The API key was revoked.',
  expired: 'The session has expired.',
  revoked: 'The session was revoked.',
} as const;

/**
 * One timer and two queries per interval for every open WebSocket and SSE subscription
 * together, however many there are: the ids of all watched principals are checked at once.
 * With a bus, an ended session triggers a check on every instance right away.
 */
export function createAccessWatch(
  prisma: PrismaClient,
  logger: Logger,
  intervalMs = ACCESS_CHECK_MS,
  bus?: EventBus,
): AccessWatch {
  const watchers = new Map<symbol, { principal: Principal; onEnded: (message: string) => void }>();
  let checking = false;
  let checkAgain = false;

  async function check(): Promise<void> {
    if (watchers.size === 0) return;
    const keyIds = new Set<string>();
    const sessionIds = new Set<string>();
    for (const { principal } of watchers.values()) {
      if (principal.kind === 'apiKey') keyIds.add(principal.apiKeyId);
      else sessionIds.add(principal.sessionId);
    }
    const [revoked, ended] = await Promise.all([revokedApiKeyIds(prisma, [...keyIds]), endedSessions(prisma, [...sessionIds])]);
    for (const [id, { principal, onEnded }] of watchers) {
      const why = principal.kind === 'apiKey' ? (revoked.has(principal.apiKeyId) ? 'apiKey' : undefined) : ended.get(principal.sessionId);
      if (!why) continue;
      watchers.delete(id);
      onEnded(ENDED_MESSAGES[why]);
    }
  }

  function checkNow(): void {
    // A slow database must not pile checks up; a failed one is retried at the next tick. A
    // request made during a check (a revocation it may have read too early) runs once after it.
    if (checking) {
      checkAgain = true;
      return;
    }
    checking = true;
    check()
      .catch((error: unknown) => logger.warn({ err: error }, 'checking open connections for revoked access failed'))
      .finally(() => {
        checking = false;
        if (checkAgain) {
          checkAgain = false;
          checkNow();
        }
      });
  }

  const timer = setInterval(checkNow, intervalMs).unref();
  const endings = bus?.subscribe('access:ended');
  void (async () => {
    if (!endings) return;
    for await (const { sessionId } of endings) {
      if ([...watchers.values()].some(({ principal }) => principal.kind === 'session' && principal.sessionId === sessionId)) checkNow();
    }
  })().catch((error: unknown) => logger.warn({ err: error }, 'listening for ended sessions failed'));

  return {
    watch(principal, onEnded) {
      const id = Symbol('watcher');
      watchers.set(id, { principal, onEnded });
      return () => watchers.delete(id);
    },
    stop() {
      clearInterval(timer);
      void endings?.return?.();
      watchers.clear();
    },
  };
}

/**
 * Ends every subscription with UNAUTHENTICATED once its caller's key is revoked or session
 * ends. Over WebSocket the socket is closed too; over SSE this is the only way to stop it.
 */
export function useAccessWatch(accessWatch: AccessWatch): Plugin<Context> {
  return {
    onSubscribe({ args }) {
      const { principal } = args.contextValue as Context;
      return {
        onSubscribeResult({ result, setResult }) {
          if (isAsyncIterable(result)) setResult(new UntilAccessEnds(result, principal, accessWatch));
        },
      };
    },
  };
}

/**
 * The results of one subscription until its caller's access ends, then one UNAUTHENTICATED
 * result and the end (the source is left at once, even while it is quiet). A class rather
 * than a Repeater: every open subscription holds one, for as long as a chat waits.
 */
class UntilAccessEnds implements AsyncIterableIterator<ExecutionResult> {
  private readonly source: AsyncIterator<ExecutionResult>;
  private readonly unwatch: () => void;
  /** The UNAUTHENTICATED result not yet handed over. */
  private ending: ExecutionResult | null = null;
  private finished = false;
  /** The pending `next` while the source is awaited; the end of access answers it instead. */
  private waiting: ((step: IteratorResult<ExecutionResult>) => void) | null = null;

  constructor(results: AsyncIterable<ExecutionResult>, principal: Principal, accessWatch: AccessWatch) {
    this.source = results[Symbol.asyncIterator]();
    this.unwatch = accessWatch.watch(principal, (message) => this.end(message));
  }

  private end(message: string): void {
    const result: ExecutionResult = { errors: [new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED' } })] };
    if (this.waiting) {
      this.answer({ done: false, value: result });
    } else {
      this.ending = result;
    }
    this.finish();
  }

  private answer(step: IteratorResult<ExecutionResult>): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.(step);
  }

  /** Stops watching and leaves the source; idempotent. */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.unwatch();
    void Promise.resolve(this.source.return?.()).catch(() => {});
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    if (this.ending) {
      const value = this.ending;
      this.ending = null;
      return Promise.resolve({ done: false, value });
    }
    if (this.finished) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.source.next().then(
        (step) => {
          if (this.waiting !== resolve) return; // access ended meanwhile, and answered
          this.waiting = null;
          if (step.done) this.finish();
          resolve(step);
        },
        (error: unknown) => {
          if (this.waiting !== resolve) return;
          this.waiting = null;
          this.finish();
          reject(error);
        },
      );
    });
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    this.ending = null;
    this.finish();
    this.answer({ done: true, value: undefined });
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<ExecutionResult>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}
