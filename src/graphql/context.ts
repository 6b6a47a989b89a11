import type { PrismaClient } from '../db/index.js';
import type { ApiKeyPrincipal } from '../domain/access/api-keys.js';
import type { DomainDeps } from '../domain/deps.js';
import { DomainError } from '../domain/errors.js';
import type { SessionPrincipal } from '../domain/access/sessions.js';

/**
 * Who is calling: a project API key (everything in its project), or a session client token
 * held by a browser chat UI (its own session only).
 */
export type Principal = ({ kind: 'apiKey' } & ApiKeyPrincipal) | ({ kind: 'session' } & SessionPrincipal);

/** Per-operation context, built the same way for HTTP, SSE and WebSocket. */
export interface Context {
  prisma: PrismaClient;
  deps: DomainDeps;
  principal: Principal;
}

/** The caller's project; every resolver scopes its reads and writes with it. */
export function projectIdOf(ctx: Context): string {
  return ctx.principal.projectId;
}

/** A session token may only touch its own session; an API key any session of its project. */
export function assertSessionAccess(ctx: Context, sessionId: string): void {
  if (ctx.principal.kind === 'session' && ctx.principal.sessionId !== sessionId) {
    throw new DomainError('FORBIDDEN', 'A session client token can only access its own session.');
  }
}
