import { createClient as createSseClient, NetworkError } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { GraphQLRequestError, type GraphQLErrorEntry } from './errors.js';

// The two ways a subscription reaches the server: graphql-ws first, Server-Sent Events when a
// WebSocket cannot be opened (a proxy that refuses upgrades, no WebSocket in the runtime). Both
// report the same three outcomes, and neither retries by itself: waitForConnection decides.

export type TransportName = 'ws' | 'sse';

export interface SubscriptionSink<Data> {
  next(data: Data): void;
  /** `fatal`: the server refused (auth, bad input); retrying cannot help. */
  error(error: unknown, fatal: boolean): void;
  complete(): void;
}

export interface SubscribeRequest {
  query: string;
  variables: Record<string, unknown>;
}

export interface Transport {
  readonly name: TransportName;
  subscribe<Data>(request: SubscribeRequest, sink: SubscriptionSink<Data>): () => void;
  dispose(): void;
}

/** A WebSocket constructor: the browser's, Node 22's global, or `ws` on older Node. */
export type WebSocketConstructor = unknown;

interface ExecutionResult<Data> {
  data?: Data | null;
  errors?: readonly GraphQLErrorEntry[];
}

/** Unwraps one result: data to `next`, GraphQL errors as a fatal error. */
function deliver<Data>(result: ExecutionResult<Data>, sink: SubscriptionSink<Data>): boolean {
  if (result.errors?.length) {
    sink.error(new GraphQLRequestError(result.errors), true);
    return false;
  }
  if (result.data) sink.next(result.data);
  return true;
}

// Close codes after which a new socket would be refused the same way: our server closes with
// 4403 for a missing, revoked or expired token; graphql-ws uses 4400 (bad request), 4401
// (unauthorized) and 4406 (subprotocol not acceptable).
const FATAL_CLOSE_CODES: ReadonlyMap<number, string> = new Map([
  [4400, 'BAD_REQUEST'],
  [4401, 'UNAUTHENTICATED'],
  [4403, 'UNAUTHENTICATED'],
  [4406, 'BAD_REQUEST'],
]);

/**
 * The sink both transports hand their client: results go to `sink` until the first end (a
 * GraphQL error list is final), and the transport's own errors go to `fail` to be sorted.
 */
function onceSink<Data>(sink: SubscriptionSink<Data>, fail: (error: unknown) => void) {
  let done = false;
  return {
    next: (result: unknown) => {
      if (!done && !deliver(result as ExecutionResult<Data>, sink)) done = true;
    },
    error: (error: unknown) => {
      if (done) return;
      done = true;
      if (Array.isArray(error)) return sink.error(new GraphQLRequestError(error as GraphQLErrorEntry[]), true);
      fail(error);
    },
    complete: () => {
      if (!done) sink.complete();
      done = true;
    },
  };
}

function closeCodeOf(error: unknown): number | null {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number' ? error.code : null;
}

export interface WsTransport extends Transport {
  /** Whether a socket of this transport ever opened: until then a failure may mean "cannot open". */
  readonly everOpened: boolean;
}

/**
 * `keepAliveMs`: how often the client pings the server, and how long it waits for the pong. A
 * connection that died silently (a laptop waking up, a NAT dropping state) sends no close frame;
 * without a pong in time the socket is terminated, which the subscriptions see as a dropped
 * connection and survive by subscribing again.
 */
export function createWsTransport(url: string, token: string, webSocketImpl: WebSocketConstructor, keepAliveMs: number): WsTransport {
  let everOpened = false;
  let pongDeadline: ReturnType<typeof setTimeout> | undefined;
  const client: WsClient = createWsClient({
    url,
    webSocketImpl,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: true,
    retryAttempts: 0,
    keepAlive: keepAliveMs,
    on: {
      opened: () => void (everOpened = true),
      ping: (received) => {
        if (received) return;
        clearTimeout(pongDeadline);
        pongDeadline = setTimeout(() => client.terminate(), keepAliveMs);
      },
      pong: (received) => {
        if (received) clearTimeout(pongDeadline);
      },
      closed: () => clearTimeout(pongDeadline),
    },
  });
  return {
    name: 'ws',
    get everOpened() {
      return everOpened;
    },
    subscribe<Data>(request: SubscribeRequest, sink: SubscriptionSink<Data>) {
      return client.subscribe<Data>(
        request,
        onceSink(sink, (error) => {
          const code = closeCodeOf(error);
          const fatalCode = code === null ? undefined : FATAL_CLOSE_CODES.get(code);
          if (fatalCode) {
            const reason = typeof (error as { reason?: unknown }).reason === 'string' ? (error as { reason: string }).reason : '';
            return sink.error(new GraphQLRequestError([{ message: reason || `socket closed with ${code}`, extensions: { code: fatalCode } }]), true);
          }
          sink.error(error, false);
        }),
      );
    },
    dispose: () => void client.dispose(),
  };
}

export function createSseTransport(url: string, token: string, fetchFn: typeof fetch): Transport {
  const client = createSseClient({
    url,
    headers: { authorization: `Bearer ${token}` },
    singleConnection: false,
    retryAttempts: 0,
    fetchFn,
  });
  return {
    name: 'sse',
    subscribe<Data>(request: SubscribeRequest, sink: SubscriptionSink<Data>) {
      return client.subscribe<Data>(
        request,
        onceSink(sink, (error) => {
          const status = error instanceof NetworkError ? error.response?.status : undefined;
          if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) {
            return sink.error(new GraphQLRequestError([{ message: error instanceof Error ? error.message : `HTTP ${status}`, extensions: { code: status === 401 ? 'UNAUTHENTICATED' : `HTTP_${status}` } }], status), true);
          }
          sink.error(error, false);
        }),
      );
    },
    dispose: () => client.dispose(),
  };
}
