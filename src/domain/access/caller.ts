import { DomainError } from '../errors.js';

/**
 * Who is calling a domain function: a project API key (everything in its project), or a
 * session client token held by a browser chat UI or an agent (its own session and its user's
 * accounts only). Every domain function that acts for a caller takes `(deps, caller, input)`.
 */
export type Caller =
  | { kind: 'apiKey'; projectId: string; apiKeyId: string }
  | { kind: 'session'; projectId: string; sessionId: string; userId: string };

export type SessionCaller = Extract<Caller, { kind: 'session' }>;

/** For operations that exist for the project's backend only (they return or manage secrets). */
export function requireApiKey(caller: Caller, what: string): asserts caller is Extract<Caller, { kind: 'apiKey' }> {
  if (caller.kind !== 'apiKey') throw new DomainError('FORBIDDEN', `${what} needs a project API key.`);
}

/** A session client token may only act within its own session; an API key within any of its project's. */
export function assertSessionAccess(caller: Caller, sessionId: string): void {
  if (caller.kind === 'session' && caller.sessionId !== sessionId) {
    throw new DomainError('FORBIDDEN', 'A session client token can only access its own session.');
  }
}
