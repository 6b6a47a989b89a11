import { GraphQLError, type ExecutionResult } from 'graphql';
import { isAsyncIterable, Repeater, type Plugin } from 'graphql-yoga';
import type { PrismaClient } from '../db/index.js';
import type { Logger } from '../logger.js';
import { revokedApiKeyIds } from '../domain/access/api-keys.js';
import { endedSessionIds } from '../domain/access/sessions.js';
import type { Context, Principal } from './context.js';

// How often long-lived connections are checked against revoked API keys and expired sessions.
// Each new operation is checked at once; this bounds how long an open one outlives its access.
export const ACCESS_CHECK_MS = 5_000;

export interface AccessWatch {
  /** Calls `onEnded` once the principal's key is revoked or its session ends; returns an unwatch. */
  watch(principal: Principal, onEnded: () => void): () => void;
  stop(): void;
}

/**
 * One timer and two queries per interval for every open WebSocket and SSE subscription
 * together, however many there are: the ids of all watched principals are checked at once.
 */
export function createAccessWatch(prisma: PrismaClient, logger: Logger, intervalMs = ACCESS_CHECK_MS): AccessWatch {
  const watchers = new Map<symbol, { principal: Principal; onEnded: () => void }>();
  let checking = false;

  async function check(): Promise<void> {
    if (watchers.size === 0) return;
    const keyIds = new Set<string>();
    const sessionIds = new Set<string>();
    for (const { principal } of watchers.values()) {
      if (principal.kind === 'apiKey') keyIds.add(principal.apiKeyId);
      else sessionIds.add(principal.sessionId);
    }
    const [revoked, ended] = await Promise.all([revokedApiKeyIds(prisma, [...keyIds]), endedSessionIds(prisma, [...sessionIds])]);
    for (const [id, { principal, onEnded }] of watchers) {
      const gone = principal.kind === 'apiKey' ? revoked.has(principal.apiKeyId) : ended.has(principal.sessionId);
      if (!gone) continue;
      watchers.delete(id);
      onEnded();
    }
  }

  const timer = setInterval(() => {
    // A slow database must not pile checks up; a failed one is retried at the next tick.
    if (checking) return;
    checking = true;
    check()
      .catch((error: unknown) => logger.warn({ err: error }, 'checking open connections for revoked access failed'))
      .finally(() => {
        checking = false;
      });
  }, intervalMs).unref();

  return {
    watch(principal, onEnded) {
      const id = Symbol('watcher');
      watchers.set(id, { principal, onEnded });
      return () => watchers.delete(id);
    },
    stop() {
      clearInterval(timer);
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
          if (isAsyncIterable(result)) setResult(untilAccessEnds(result, principal, accessWatch));
        },
      };
    },
  };
}

function untilAccessEnds(
  results: AsyncIterable<ExecutionResult>,
  principal: Principal,
  accessWatch: AccessWatch,
): AsyncIterableIterator<ExecutionResult> {
  return new Repeater<ExecutionResult>(async (push, stop) => {
    const iterator = results[Symbol.asyncIterator]();
    const unwatch = accessWatch.watch(principal, () => {
      const message = principal.kind === 'apiKey' ? 'The API key was revoked.' : 'The session has expired.';
      void push({ errors: [new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED' } })] });
      stop();
    });
    void stop.then(() => iterator.return?.()).catch(() => {});
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) await push(next.value);
    } finally {
      unwatch();
      stop();
    }
  });
}
