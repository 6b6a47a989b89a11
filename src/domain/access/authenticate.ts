import type { CoreDeps } from '../deps.js';
import { authenticateApiKey } from './api-keys.js';
import type { Caller } from './caller.js';
import { authenticateSessionToken, isSessionClientToken } from './sessions.js';

/** Reads `Bearer <token>` from an Authorization header value (or `connectionParams.authorization`). */
export function bearerToken(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1];
}

export type Authentication =
  | { ok: true; caller: Caller }
  | { ok: false; reason: 'missing' | 'invalid-api-key' | 'invalid-session-token' };

/** Resolves an Authorization header to a caller: a project API key or a session client token. */
export async function authenticateBearer(deps: Pick<CoreDeps, 'prisma' | 'readCache'>, authorization: unknown): Promise<Authentication> {
  const token = bearerToken(authorization);
  if (!token) return { ok: false, reason: 'missing' };
  if (isSessionClientToken(token)) {
    const session = await authenticateSessionToken(deps, token);
    return session ? { ok: true, caller: session } : { ok: false, reason: 'invalid-session-token' };
  }
  const key = await authenticateApiKey(deps, token);
  return key ? { ok: true, caller: key } : { ok: false, reason: 'invalid-api-key' };
}

/** What to tell a caller whose credential was refused. */
export const AUTHENTICATION_MESSAGES: Record<Exclude<Authentication, { ok: true }>['reason'], string> = {
  missing: 'An API key is required: send `Authorization: Bearer <key>`.',
  'invalid-api-key': 'The API key is invalid or revoked.',
  'invalid-session-token': 'The session client token is invalid, or its session expired or was revoked.',
};
