import { z } from 'zod';
import { readJsonPath } from '../../catalog/index.js';
import type { AuthConfig, Toolkit } from '../../generated/prisma/client.js';
import type { KeyRing } from '../crypto/encryption.js';
import type { CoreDeps } from '../deps.js';
import { DomainError } from '../errors.js';
import { clientCredentialsOf } from '../toolkits/auth-configs.js';
import { resolveEndpoints, type FieldValues } from '../toolkits/toolkit-endpoints.js';
import { oauth1Authorize } from './api-credentials.js';
import { readLimited, sendFollowingSameOrigin, type OutgoingRequest } from './api-http.js';
import { apiAccessOf, applyCredentials, catalogEntryOf, resolveApiTemplate } from './api-target.js';
import type { Credentials } from './credentials.js';

// Which account at the provider a connection is: learnt once after an OAuth connection, from the catalog's identity
// endpoint for the toolkit, or from the OpenID Connect id_token and userinfo endpoint. Stored encrypted like the
// credentials (an email address is personal data), with the account id as associated data.

export const providerAccountSchema = z.object({
  id: z.string().min(1).max(256),
  email: z.string().max(320).nullable(),
  name: z.string().max(256).nullable(),
});

export type ProviderAccount = z.infer<typeof providerAccountSchema>;

const IDENTITY_TIMEOUT_MS = 10_000;
const IDENTITY_BODY_BYTES = 1024 * 1024;

function text(value: unknown, max: number): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed ? trimmed.slice(0, max) : null;
}

function accountFrom(id: unknown, email: unknown, name: unknown): ProviderAccount | null {
  const accountId = text(id, 256);
  return accountId ? { id: accountId, email: text(email, 320), name: text(name, 256) } : null;
}

/**
 * The claims of an id_token. Its signature is not checked: the token came straight from the token endpoint over TLS,
 * which OpenID Connect Core 3.1.3.7 accepts in place of the signature for the code flow.
 */
function idTokenClaims(idToken: string | undefined): Record<string, unknown> | null {
  const payload = idToken?.split('.')[1];
  if (!payload) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A connection just made: its toolkit and auth config, the credentials it got, the values it was connected with. */
export interface AccountContext {
  toolkit: Toolkit;
  authConfig: AuthConfig;
  credentials: Credentials;
  fieldValues: FieldValues;
}

/** GETs (or POSTs) a JSON endpoint (identity, metadata) with the connection's API credentials; null unless a 2xx JSON answer. */
export async function fetchAccountJson(deps: CoreDeps, context: AccountContext, url: URL, method: 'GET' | 'POST', body?: string): Promise<unknown> {
  const authorize = accountAuthorizer(deps, context);
  if (!authorize) return null;
  const headers = new Headers({ accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) });
  const signal = AbortSignal.timeout(IDENTITY_TIMEOUT_MS);
  const response = await sendFollowingSameOrigin(deps.egress.fetch, { method, url, headers, body: body ?? null }, signal, authorize);
  if (!response.ok) {
    await response.body?.cancel();
    return null;
  }
  return JSON.parse((await readLimited(response, IDENTITY_BODY_BYTES)).toString('utf8'));
}

/** How the connection's requests carry its credentials: OAuth 2's bearer (or the toolkit's template), or an OAuth 1.0a signature. */
function accountAuthorizer(deps: CoreDeps, context: AccountContext): ((hop: OutgoingRequest) => void) | null {
  const { credentials, toolkit, authConfig } = context;
  if (credentials.scheme === 'OAUTH1') {
    const consumer = clientCredentialsOf(deps, authConfig, toolkit);
    const keys = { consumerKey: consumer.clientId, consumerSecret: consumer.clientSecret, token: credentials.accessToken, tokenSecret: credentials.accessSecret ?? '' };
    return oauth1Authorize(keys);
  }
  if (credentials.scheme !== 'OAUTH2') return null;
  const access = apiAccessOf(toolkit, 'OAUTH2');
  const auth = access.auth && access.auth !== 'oauth1-signature' ? access.auth : { headers: { Authorization: 'Bearer {accessToken}' } };
  const values: Record<string, string> = { ...context.fieldValues, accessToken: credentials.accessToken };
  if (JSON.stringify(auth).includes('{clientId}')) values.clientId = clientCredentialsOf(deps, authConfig, toolkit).clientId;
  return (hop) => applyCredentials(hop.url, hop.headers, auth, values);
}

async function learn(deps: CoreDeps, context: AccountContext): Promise<ProviderAccount | null> {
  const { toolkit, credentials } = context;
  if (credentials.scheme !== 'OAUTH2' && credentials.scheme !== 'OAUTH1') return null;
  const identity = catalogEntryOf(toolkit)?.identity;
  if (identity?.from === 'endpoint') {
    const url = resolveApiTemplate(identity.url, context.fieldValues);
    const json = await fetchAccountJson(deps, context, url, identity.method, identity.body);
    const read = (path: string | undefined) => (path ? readJsonPath(json, path) : undefined);
    return accountFrom(read(identity.id), read(identity.email), read(identity.name));
  }
  // OAuth 1 has no id_token or userinfo: only an identity endpoint says who it is.
  if (credentials.scheme !== 'OAUTH2') return null;
  const claims = idTokenClaims(credentials.idToken);
  const fromToken = claims ? accountFrom(claims.sub, claims.email, claims.name) : null;
  if (fromToken && (fromToken.email || fromToken.name)) return fromToken;
  // An id_token often carries only `sub`; the userinfo endpoint has the rest.
  const userInfoUrl = resolveEndpoints(toolkit, context.fieldValues).userInfoUrl;
  if (!userInfoUrl) return fromToken;
  const info = (await fetchAccountJson(deps, context, new URL(userInfoUrl), 'GET')) as Record<string, unknown> | null;
  if (!info || typeof info !== 'object') return fromToken;
  // The userinfo `sub` must be the id_token's (OpenID Connect Core 5.3.2); otherwise trust neither.
  if (fromToken && text(info.sub, 256) !== fromToken.id) return fromToken;
  return accountFrom(info.sub, info.email, info.name);
}

/**
 * Which provider account an OAuth connection is, or null when the toolkit says no way to learn it or the provider
 * did not answer. Never fails the connection: what went wrong is logged, without secrets.
 */
export async function learnProviderAccount(deps: CoreDeps, context: AccountContext): Promise<ProviderAccount | null> {
  try {
    return await learn(deps, context);
  } catch (error) {
    const reason = error instanceof DomainError ? error.message : (error as { name?: string }).name ?? 'error';
    deps.logger.info({ toolkit: context.toolkit.slug, reason }, 'could not learn which provider account was connected');
    return null;
  }
}

/** The encrypted column values of an account's provider identity. */
export function sealProviderAccount(keyRing: KeyRing, accountId: string, account: ProviderAccount) {
  return {
    encryptedProviderAccount: keyRing.encryptJson(providerAccountSchema.parse(account), accountId),
    providerAccountKeyId: keyRing.activeKeyId,
  };
}

/** An account's provider identity, decrypted; null when none was learnt. */
export function openProviderAccount(keyRing: KeyRing, account: { id: string; encryptedProviderAccount: string | null }): ProviderAccount | null {
  if (!account.encryptedProviderAccount) return null;
  return providerAccountSchema.parse(keyRing.decryptJson(account.encryptedProviderAccount, account.id));
}

/** What the success page calls the account: its email, else its name. */
export function providerAccountLabel(account: ProviderAccount | null): string | null {
  return account ? (account.email ?? account.name) : null;
}
