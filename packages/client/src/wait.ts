import {
  ConnectionExpiredError,
  ConnectionFailedError,
  ConnectionRevokedError,
  WaitAbortedError,
  WaitTimeoutError,
  type ConnectionWaitError,
} from './errors.js';
import { ConnectionStatusDocument, type ConnectionStatusSubscription } from './generated/graphql.js';
import { waitTargetOf, type ConnectionState, type LinkOrAccount } from './status.js';
import type { Subscriber } from './subscriber.js';

export interface WaitOptions {
  /** Give up after this long (WaitTimeoutError). Default: none; the link's own expiry ends the wait (EXPIRED). */
  timeoutMs?: number;
  /** Aborting it ends the wait (WaitAbortedError). */
  signal?: AbortSignal;
  /** Called with every state, the current one first (e.g. to show "waiting for you to sign in"). */
  onStatus?: (state: ConnectionState) => void;
}

/** Waits after a dropped connection before resubscribing: 250 ms doubling, at most 5 s. */
const RETRY_BASE_MS = 250;
const RETRY_MAX_MS = 5_000;

/** What a state means for the wait: done (ACTIVE), an error, or keep waiting (null). */
function verdict(state: ConnectionState): 'active' | ConnectionWaitError | null {
  switch (state.status) {
    case 'ACTIVE':
      return 'active';
    case 'FAILED':
      return new ConnectionFailedError(state);
    case 'EXPIRED':
      return new ConnectionExpiredError(state);
    case 'REVOKED':
      return new ConnectionRevokedError(state);
    default:
      return null; // INITIATED, or INACTIVE (an account may be enabled again)
  }
}

/**
 * Follows `connectionStatus` until the account is ACTIVE (resolves with that state) or the flow
 * ends otherwise (rejects with a ConnectionWaitError). The subscription sends the current state
 * first, so after a dropped connection or a server restart it simply subscribes again: a change
 * made meanwhile arrives as the new current state. Nothing polls.
 */
export function waitForConnection(subscriber: Subscriber, idOrLink: LinkOrAccount, options: WaitOptions = {}): Promise<ConnectionState> {
  const target = waitTargetOf(idOrLink);
  return new Promise((resolve, reject) => {
    let last: ConnectionState | null = null;
    let settled = false;
    let unsubscribe: (() => void) | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let timeoutTimer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;

    const onAbort = () => finish(() => reject(new WaitAbortedError(last, options.signal?.reason)));
    function finish(settle: () => void) {
      if (settled) return;
      settled = true;
      clearTimeout(retryTimer);
      clearTimeout(timeoutTimer);
      options.signal?.removeEventListener('abort', onAbort);
      unsubscribe?.();
      settle();
    }
    function retry() {
      unsubscribe = null;
      if (settled) return;
      const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** failures);
      failures += 1;
      retryTimer = setTimeout(start, delay);
    }
    function start() {
      if (settled) return;
      unsubscribe = subscriber.subscribe<ConnectionStatusSubscription>(
        { query: String(ConnectionStatusDocument), variables: target },
        {
          next: ({ connectionStatus: state }) => {
            if (settled) return;
            failures = 0;
            last = state;
            options.onStatus?.(state);
            const outcome = verdict(state);
            if (outcome === 'active') finish(() => resolve(state));
            else if (outcome) finish(() => reject(outcome));
          },
          error: (error, fatal) => (fatal ? finish(() => reject(error)) : retry()),
          // Completed without a final state: the server went away cleanly, or the account is gone.
          // Subscribing again tells which (its first event, or a NOT_FOUND error).
          complete: retry,
        },
      );
    }

    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.timeoutMs !== undefined) {
      const timeoutMs = options.timeoutMs;
      timeoutTimer = setTimeout(() => finish(() => reject(new WaitTimeoutError(timeoutMs, last))), timeoutMs);
    }
    start();
  });
}
