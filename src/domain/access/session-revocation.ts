import { publishAccessEnded } from '../../events/bus.js';
import type { CoreDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { requireApiKey, type Caller } from './caller.js';

/**
 * Ends a session before its expiry: its client token is refused from now on, and every
 * instance is told on the bus to close the token's open WebSockets and SSE streams at once.
 * Revoking twice keeps the first revokedAt. The project's backend (API key) only.
 */
export async function revokeSession(deps: CoreDeps, caller: Caller, input: { id: string }) {
  requireApiKey(caller, 'revokeSession');
  const { prisma } = deps;
  const session = await prisma.session.findFirst({ where: { id: input.id, projectId: caller.projectId } });
  if (!session) throw notFound('Session');
  if (session.revokedAt) return session;
  // Conditional, so that two concurrent revocations keep the first revokedAt.
  await prisma.session.updateMany({ where: { id: session.id, revokedAt: null }, data: { revokedAt: new Date() } });
  await deps.readCache.changed();
  publishAccessEnded(deps.bus, { sessionId: session.id });
  return prisma.session.findUniqueOrThrow({ where: { id: session.id } });
}
