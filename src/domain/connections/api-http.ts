import type { EgressFetch } from '../../egress/index.js';
import { DomainError } from '../errors.js';
import { sameOrigin } from './api-path.js';

// The HTTP side of the proxy: which headers cross it, redirects (same host only), and bounded bodies and time.

/** Headers that belong to one connection or to the browser's session with us, never forwarded either way. */
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'cookie',
  'cookie2',
  'set-cookie',
  'set-cookie2',
  'expect',
]);

/** Request headers fetch itself negotiates (it decodes the response body, so it picks the encodings). */
const REQUEST_ONLY_DROPPED = new Set(['accept-encoding']);

/** Response headers that no longer describe the body once fetch has decoded it. */
const RESPONSE_ONLY_DROPPED = new Set(['content-encoding']);

export interface HeaderPair {
  name: string;
  value: string;
}

function forwardable(pairs: Iterable<[string, string]>, extra: ReadonlySet<string>, listed: string | null): [string, string][] {
  const perConnection = new Set((listed ?? '').split(',').map((name) => name.trim().toLowerCase()));
  return [...pairs].filter(([name]) => {
    const lower = name.toLowerCase();
    return !NOT_FORWARDED.has(lower) && !extra.has(lower) && !perConnection.has(lower);
  });
}

/** The caller's headers that may go to the API; a malformed name or value is BAD_USER_INPUT. */
export function requestHeaders(pairs: readonly HeaderPair[]): Headers {
  const connection = pairs.find((pair) => pair.name.toLowerCase() === 'connection')?.value ?? null;
  const headers = new Headers();
  for (const [name, value] of forwardable(pairs.map((pair): [string, string] => [pair.name, pair.value]), REQUEST_ONLY_DROPPED, connection)) {
    try {
      headers.append(name, value);
    } catch {
      throw new DomainError('BAD_USER_INPUT', `The header "${name.slice(0, 64)}" is not a valid HTTP header.`);
    }
  }
  return headers;
}

/** The API's response headers that go back to the caller. */
export function responseHeaders(headers: Headers): HeaderPair[] {
  return forwardable(headers, RESPONSE_ONLY_DROPPED, headers.get('connection')).map(([name, value]) => ({ name, value }));
}

export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string | null;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/**
 * Sends the request, following redirects only while they stay on the API's origin (so credentials never reach another
 * host); `authorize` puts the credentials on each hop (the first included) as it is about to be sent: query parameters
 * and signatures depend on the hop's URL. Another origin is refused (FORBIDDEN).
 */
export async function sendFollowingSameOrigin(
  fetchFn: EgressFetch,
  request: OutgoingRequest,
  signal: AbortSignal,
  authorize: (hop: OutgoingRequest) => void,
): Promise<Response> {
  const hop: OutgoingRequest = { ...request, url: new URL(request.url), headers: new Headers(request.headers) };
  for (let count = 0; ; count++) {
    authorize(hop);
    const response = await fetchFn(hop.url, { method: hop.method, headers: hop.headers, body: hop.body, redirect: 'manual', signal });
    const location = response.headers.get('location');
    if (!REDIRECTS.has(response.status) || location === null) return response;
    await response.body?.cancel();
    const next = URL.canParse(location, hop.url) ? new URL(location, hop.url) : null;
    if (!next || !sameOrigin(next, request.url)) {
      const where = next ? `another host (${next.host})` : 'an invalid location';
      throw new DomainError('FORBIDDEN', `The API redirected to ${where}; the proxy only follows redirects on ${request.url.host}.`);
    }
    if (count + 1 >= MAX_REDIRECTS) throw new DomainError('PROVIDER_UNAVAILABLE', `The API redirected more than ${MAX_REDIRECTS} times.`);
    // As browsers do: 303 (and 301/302 after a POST) continue as a GET without the body.
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && hop.method === 'POST')) {
      if (hop.method !== 'HEAD') hop.method = 'GET';
      hop.body = null;
      hop.headers.delete('content-type');
    }
    next.hash = '';
    hop.url = next;
  }
}

/** Reads at most `limit` bytes of a body, stopping (and refusing) as soon as it is longer. */
export async function readLimited(response: Response, limit: number): Promise<Buffer> {
  const tooLarge = () => new DomainError('PROVIDER_UNAVAILABLE', `The API's response body is larger than ${limit} bytes; the proxy cut it.`);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > limit) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
