import {
  createSseTransport,
  createWsTransport,
  type SubscribeRequest,
  type SubscriptionSink,
  type Transport,
  type TransportName,
  type WebSocketConstructor,
  type WsTransport,
} from './transports.js';

export interface SubscriberOptions {
  httpUrl: string;
  wsUrl: string;
  token: string;
  fetch: typeof fetch;
  /** null: no WebSocket in this runtime, so SSE only. */
  webSocketImpl: WebSocketConstructor | null;
  transport: 'auto' | TransportName;
  keepAliveMs: number;
}

export interface Subscriber {
  subscribe<Data>(request: SubscribeRequest, sink: SubscriptionSink<Data>): () => void;
  /** The transport the latest subscription went through; null before the first. */
  readonly transport: TransportName | null;
  dispose(): void;
}

/**
 * Subscriptions over graphql-ws, falling back to SSE for good once a WebSocket has failed to
 * open without ever having opened on this client (a socket that worked once and then dropped is
 * a dropped connection, retried on WebSocket). The fallback is transparent to the sink.
 */
export function createSubscriber(options: SubscriberOptions): Subscriber {
  let ws: WsTransport | null = null;
  let sse: Transport | null = null;
  let current: TransportName | null = null;
  let useSse = options.transport === 'sse' || (options.transport === 'auto' && !options.webSocketImpl);

  const wsTransport = () => (ws ??= createWsTransport(options.wsUrl, options.token, options.webSocketImpl, options.keepAliveMs));
  const sseTransport = () => (sse ??= createSseTransport(options.httpUrl, options.token, options.fetch));

  function subscribe<Data>(request: SubscribeRequest, sink: SubscriptionSink<Data>): () => void {
    if (useSse) {
      current = 'sse';
      return sseTransport().subscribe(request, sink);
    }
    current = 'ws';
    const transport = wsTransport();
    let cancel: () => void = () => {};
    let cancelled = false;
    cancel = transport.subscribe<Data>(request, {
      next: (data) => sink.next(data),
      complete: () => sink.complete(),
      error: (error, fatal) => {
        if (!fatal && !transport.everOpened && options.transport === 'auto' && !cancelled) {
          useSse = true;
          cancel = subscribe(request, sink);
          return;
        }
        sink.error(error, fatal);
      },
    });
    return () => {
      cancelled = true;
      cancel();
    };
  }

  return {
    subscribe,
    get transport() {
      return current;
    },
    dispose() {
      ws?.dispose();
      sse?.dispose();
    },
  };
}
