import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

// OAuth 1.0a request signing (RFC 5849 §3, HMAC-SHA1) over `oauth-sign`, the signer grant's own OAuth 1 dance uses.
// Its one quirk: the wrapper above it (request-oauth) collects the parameters with `qs`, which signs `a[]=1` as `a=1`
// and `a[b][c]=1` as `[object Object]`; so the parameters are collected here, verbatim, and only the base string and
// the HMAC are left to the library.
const require = createRequire(import.meta.url);
const oauthSign = require('oauth-sign') as {
  /** Parameter values: a string, or an array of strings for a repeated name. */
  hmacsign(method: string, baseUri: string, params: Record<string, string | string[]>, consumerSecret: string, tokenSecret: string): string;
  rfc3986(value: string): string;
};

/** The consumer's (the auth config's OAuth app) and the account's token credentials. */
export interface OAuth1Keys {
  consumerKey: string;
  consumerSecret: string;
  token: string;
  tokenSecret: string;
}

export interface SignedRequest {
  method: string;
  url: URL;
  /** The body, signed as parameters only when it is a form (application/x-www-form-urlencoded). */
  form: string | null;
}

/** Whether a name is one of the protocol's own parameters, which only the signer may set. */
export function isOAuthParameter(name: string): boolean {
  return name.startsWith('oauth_');
}

/** The base string URI (RFC 5849 §3.4.1.2): scheme and host in lower case, the port only when not the default. */
function baseUri(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function collect(params: Record<string, string | string[]>, pairs: Iterable<[string, string]>) {
  for (const [name, value] of pairs) {
    const existing = params[name];
    params[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
}

/**
 * The `Authorization: OAuth …` header of one request: the query and a form body are signed with the protocol
 * parameters (a fresh nonce and the current time each call), the key being the consumer secret and token secret.
 */
export function oauth1Authorization(request: SignedRequest, keys: OAuth1Keys, now = Date.now()): string {
  const protocol: Record<string, string> = {
    oauth_consumer_key: keys.consumerKey,
    oauth_nonce: randomBytes(16).toString('hex'),
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: String(Math.floor(now / 1000)),
    oauth_token: keys.token,
    oauth_version: '1.0',
  };
  // No prototype: a parameter named `__proto__` or `constructor` is just a parameter.
  const params = Object.create(null) as Record<string, string | string[]>;
  collect(params, request.url.searchParams);
  if (request.form !== null) collect(params, new URLSearchParams(request.form));
  collect(params, Object.entries(protocol));
  const signature = oauthSign.hmacsign(request.method, baseUri(request.url), params, keys.consumerSecret, keys.tokenSecret);
  const header = Object.entries({ ...protocol, oauth_signature: signature })
    .map(([name, value]) => `${name}="${oauthSign.rfc3986(value)}"`)
    .join(', ');
  return `OAuth ${header}`;
}
