import type { PrismaClient } from '../db/index.js';
import type { Caller } from '../domain/access/caller.js';
import type { DomainDeps } from '../domain/deps.js';

/**
 * Who is calling: a project API key (everything in its project), or a session client token
 * held by a browser chat UI (its own session only). The same type the domain calls a caller.
 */
export type Principal = Caller;

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
