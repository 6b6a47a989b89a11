import type { Prisma } from '../../generated/prisma/client.js';
import type { Caller } from './caller.js';

// What each kind of caller may see. Every read of these tables for a caller goes through one of
// these filters, so an object of another project (or another end user) is simply not found.

/** The toolkits a project sees: the shared catalog plus its own custom toolkits. */
export function visibleToolkitsWhere(projectId: string): { OR: Prisma.ToolkitWhereInput[] } {
  return { OR: [{ projectId: null }, { projectId }] };
}

/** Connected accounts: the project's, or only the session user's for a session client token. */
export function visibleAccountsWhere(caller: Caller): { projectId: string; userId?: string } {
  return caller.kind === 'session' ? { projectId: caller.projectId, userId: caller.userId } : { projectId: caller.projectId };
}

/** Connect Links: the project's, or only its own session's for a session client token. */
export function visibleLinksWhere(caller: Caller): Prisma.ConnectLinkWhereInput {
  return caller.kind === 'session'
    ? { session: { projectId: caller.projectId }, sessionId: caller.sessionId }
    : { session: { projectId: caller.projectId } };
}

/** Sessions: the project's, or only itself for a session client token. */
export function visibleSessionsWhere(caller: Caller): Prisma.SessionWhereInput {
  return caller.kind === 'session' ? { projectId: caller.projectId, id: caller.sessionId } : { projectId: caller.projectId };
}
