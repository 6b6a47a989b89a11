import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import type { EgressConnection } from './connect.js';

/** The part of fetch the server's outbound calls use (oauth4webapi's customFetch included). */
export type EgressFetch = (url: string | URL, init?: EgressRequestInit) => Promise<Response>;

export interface EgressRequestInit {
  method?: string;
  headers?: HeadersInit;
  body?: string | URLSearchParams | Uint8Array | null;
  signal?: AbortSignal | null;
  /** Redirects are never followed: a 3xx is returned as it is, whatever this says. */
  redirect?: RequestRedirect;
}

// Statuses whose Response may not have a body (the Response constructor refuses one).
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

function responseOf(message: IncomingMessage, method: string): Response {
  const headers = new Headers();
  for (let i = 0; i + 1 < message.rawHeaders.length; i += 2) headers.append(message.rawHeaders[i]!, message.rawHeaders[i + 1]!);
  const status = message.statusCode ?? 502;
  const empty = NULL_BODY_STATUSES.has(status) || method === 'HEAD';
  if (empty) message.resume();
  const body = empty ? null : (Readable.toWeb(message) as ReadableStream<Uint8Array>);
  return new Response(body, { status, statusText: message.statusMessage ?? '', headers });
}

/**
 * fetch over node:http whose every connection is opened by `createConnection` (the egress policy's). Node's own
 * fetch (undici) takes no per-request connector without the undici package, so the few calls this
 * server makes use this instead. Network failures reject with `TypeError('fetch failed')` and
 * the reason as `cause`, as fetch does; an aborted signal rejects with its reason.
 */
export function createEgressFetch(createConnection: EgressConnection): EgressFetch {
  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        reject(new TypeError('fetch failed', { cause: new Error(`unsupported protocol ${url.protocol}`) }));
        return;
      }
      const method = (init.method ?? 'GET').toUpperCase();
      const headers = new Headers(init.headers);
      let body: Buffer | undefined;
      if (init.body instanceof URLSearchParams) {
        if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
        body = Buffer.from(init.body.toString());
      } else if (init.body !== undefined && init.body !== null) {
        body = Buffer.from(init.body);
      }
      if (body) headers.set('content-length', String(body.length));
      const signal = init.signal ?? undefined;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const request = send(
        url,
        {
          method,
          headers: Object.fromEntries(headers.entries()),
          protocol: url.protocol,
          // Without an agent node:http knows no default port of its own: this one keeps `Host` free of a port.
          defaultPort: url.protocol === 'https:' ? 443 : 80,
          createConnection,
        },
        (message) => {
          signal?.removeEventListener('abort', onAbort);
          // An abort after the headers ends the body stream instead.
          if (signal) signal.addEventListener('abort', () => message.destroy(signal.reason), { once: true });
          resolve(responseOf(message, method));
        },
      );
      const onAbort = () => {
        request.destroy();
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      request.on('error', (error) => {
        signal?.removeEventListener('abort', onAbort);
        reject(new TypeError('fetch failed', { cause: error }));
      });
      request.end(body);
    });
}
