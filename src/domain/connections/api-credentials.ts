import { z } from 'zod';
import type { ApiAccess } from '../../catalog/index.js';
import type { ConnectedAccount, AuthConfig, Toolkit } from '../../generated/prisma/client.js';
import type { DomainDeps } from '../deps.js';
import { clientCredentialsOf } from '../toolkits/auth-configs.js';
import { asFieldValues } from '../toolkits/toolkit-endpoints.js';
import type { OutgoingRequest } from './api-http.js';
import { applyCredentials, basicToken } from './api-target.js';
import { openCredentials, type Credentials } from './credentials.js';
import { isOAuthParameter, oauth1Authorization, type OAuth1Keys } from './oauth1-signature.js';

// What the proxy puts on an API request for an account, and what of it is secret.

type Account = ConnectedAccount & { toolkit: Toolkit; authConfig: AuthConfig };

/** Puts the account's credentials on one outgoing request; called again for every redirect hop. */
export type Authorize = (request: OutgoingRequest) => void;

export interface AccountAccess {
  /** What URL placeholders and credential templates may name: the account's URL values, then its secrets. */
  values: Record<string, string>;
  authorize: Authorize;
  /** Replaces every credential of the account (as sent, and as an API would echo it) in a text. */
  redact(text: string): string;
}

const FORM = /^application\/x-www-form-urlencoded\b/i;

const fieldSecrecySchema = z.array(z.object({ name: z.string(), secret: z.boolean() }).loose()).catch([]);

/** The fields a toolkit marks as not secret (a user name, an account id); any other field's value counts as a secret. */
function plainFieldNames(toolkit: Toolkit): Set<string> {
  return new Set(fieldSecrecySchema.parse(toolkit.fields).flatMap((field) => (field.secret ? [] : [field.name])));
}

function valuesOf(account: Account, credentials: Credentials): Record<string, string> {
  const values: Record<string, string> = { ...asFieldValues(account.fieldValues) };
  if (credentials.scheme === 'OAUTH2' || credentials.scheme === 'OAUTH1') {
    values.accessToken = credentials.accessToken;
    if (credentials.scheme === 'OAUTH1' && credentials.accessSecret) values.accessSecret = credentials.accessSecret;
  } else {
    Object.assign(values, credentials.fields);
  }
  return values;
}

function secretsOf(account: Account, credentials: Credentials, extra: readonly string[]): string[] {
  if (credentials.scheme === 'OAUTH2') return [credentials.accessToken, credentials.refreshToken ?? '', credentials.idToken ?? '', ...extra];
  if (credentials.scheme === 'OAUTH1') return [credentials.accessToken, credentials.accessSecret ?? '', ...extra];
  const plain = plainFieldNames(account.toolkit);
  return [...Object.entries(credentials.fields).flatMap(([name, value]) => (plain.has(name) ? [] : [value])), ...extra];
}

/** A secret as it may come back: verbatim, percent-encoded (an echoed URL), escaped inside a JSON string. */
function spellings(secret: string): string[] {
  return [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
}

/** Secrets shorter than this are left alone: replacing every "ab" would garble the answer and hide nothing worth it. */
const SHORTEST_REDACTED = 4;

function redactor(secrets: readonly string[]): (text: string) => string {
  const forms = [...new Set(secrets.filter((secret) => secret.length >= SHORTEST_REDACTED).flatMap(spellings))].sort((a, b) => b.length - a.length);
  return (text) => forms.reduce((result, form) => result.split(form).join('[REDACTED]'), text);
}

/** Signs each request (each redirect hop too) with OAuth 1.0a; protocol parameters the caller put in the query go. */
export function oauth1Authorize(keys: OAuth1Keys): Authorize {
  return (request) => {
    // The protocol parameters are the signer's: ones the caller put in the query would be signed and sent twice.
    for (const name of [...request.url.searchParams.keys()]) if (isOAuthParameter(name)) request.url.searchParams.delete(name);
    const form = request.body !== null && FORM.test(request.headers.get('content-type') ?? '') ? request.body : null;
    request.headers.set('authorization', oauth1Authorization({ method: request.method, url: request.url, form }, keys));
  };
}

/**
 * The credentials of an account for calls to its API, as `auth` says they go: templates filled from its values, or an
 * OAuth 1.0a signature with the auth config's consumer key and secret and the account's token and token secret.
 */
export function accountAccess(deps: DomainDeps, account: Account, auth: ApiAccess['auth']): AccountAccess {
  const credentials = openCredentials(deps.keyRing, { id: account.id, encryptedCredentials: account.encryptedCredentials! });
  const values = valuesOf(account, credentials);
  if (auth === 'oauth1-signature') {
    if (credentials.scheme !== 'OAUTH1') throw new Error('unreachable: an OAuth 1 signature needs OAuth 1 credentials');
    const consumer = clientCredentialsOf(deps, account.authConfig, account.toolkit);
    const keys: OAuth1Keys = {
      consumerKey: consumer.clientId,
      consumerSecret: consumer.clientSecret,
      token: credentials.accessToken,
      tokenSecret: credentials.accessSecret ?? '',
    };
    return { values, authorize: oauth1Authorize(keys), redact: redactor(secretsOf(account, credentials, [consumer.clientSecret])) };
  }
  // APIs that want the app's public client id beside the token (Twitch's Client-Id).
  if (JSON.stringify(auth ?? {}).includes('{clientId}')) values.clientId = clientCredentialsOf(deps, account.authConfig, account.toolkit).clientId;
  // An API echoing its request headers would show the Basic token, not the password.
  const basic = auth?.basic ? [basicToken(auth.basic, values)] : [];
  return {
    values,
    authorize: auth ? (request) => applyCredentials(request.url, request.headers, auth, values) : () => {},
    redact: redactor(secretsOf(account, credentials, basic)),
  };
}
