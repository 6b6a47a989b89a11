// Checks an OAuth 1.0a signature the way a provider does (RFC 5849 §3.4), written from the RFC with node:crypto
// alone, so that it shares nothing with the server's signer.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ReceivedRequest } from './recording-api.js';

/** RFC 3986 percent-encoding (RFC 5849 §3.6): unreserved characters as they are, every other byte as %XX. */
export function percentEncode(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/** The parameters of an `Authorization: OAuth k="v", …` header, decoded; null when it is not one. */
export function oauthHeaderParams(header: string | undefined): Record<string, string> | null {
  if (!header?.startsWith('OAuth ')) return null;
  const params: Record<string, string> = {};
  for (const part of header.slice('OAuth '.length).split(',')) {
    const match = /^\s*([^=\s]+)="([^"]*)"\s*$/.exec(part);
    if (!match) return null;
    params[decodeURIComponent(match[1]!)] = decodeURIComponent(match[2]!);
  }
  return params;
}

/** The signature base string (§3.4.1) of a request: method, base string URI, normalized parameters. */
export function signatureBaseString(method: string, baseUri: string, params: readonly [string, string][]): string {
  const normalized = params
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return [method.toUpperCase(), percentEncode(baseUri), percentEncode(normalized)].join('&');
}

/** HMAC-SHA1 of a base string (§3.4.2), keyed with the encoded consumer secret and token secret. */
export function hmacSha1(baseString: string, consumerSecret: string, tokenSecret: string): string {
  return createHmac('sha1', `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`).update(baseString).digest('base64');
}

export interface OAuth1Check {
  valid: boolean;
  /** The protocol parameters of the Authorization header (empty when there is none). */
  oauth: Record<string, string>;
  baseString: string;
}

/**
 * Verifies the OAuth 1.0a HMAC-SHA1 signature of a request as the recording API received it: the base string URI
 * from its Host header and path, the parameters from its query, a form body and the header.
 */
export function verifyOAuth1(
  request: ReceivedRequest,
  secrets: { consumerSecret: string; tokenSecret: string },
  /** The scheme the signer meant (a double in front of an https API receives plain HTTP). */
  scheme: 'http' | 'https' = 'http',
): OAuth1Check {
  const oauth = oauthHeaderParams(request.headers.authorization) ?? {};
  const [path = '', query = ''] = request.url.split(/\?(.*)/s);
  const params: [string, string][] = [...new URLSearchParams(query)];
  if (/^application\/x-www-form-urlencoded\b/i.test(request.headers['content-type'] ?? '')) params.push(...new URLSearchParams(request.body));
  params.push(...Object.entries(oauth).filter(([name]) => name !== 'oauth_signature' && name !== 'realm'));
  const baseString = signatureBaseString(request.method, `${scheme}://${request.headers.host}${path}`, params);
  const expected = Buffer.from(hmacSha1(baseString, secrets.consumerSecret, secrets.tokenSecret));
  const given = Buffer.from(oauth.oauth_signature ?? '');
  return { valid: given.length === expected.length && timingSafeEqual(given, expected), oauth, baseString };
}
