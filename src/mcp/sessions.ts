import type { Session } from '../generated/prisma/client.js';
import { visibleSessionsWhere } from '../domain/access/visibility.js';
import { DomainError, notFound } from '../domain/errors.js';
import { rawIdOf } from '../domain/public-ids.js';
import type { ToolContext } from './tools.js';

/** The session a tool acts in: the client token's own, or the one a project API key named. */
export async function sessionOf(context: ToolContext, sessionId: string | undefined): Promise<Session> {
  const { caller, deps } = context;
  let id: string;
  if (caller.kind === 'session') {
    id = caller.sessionId;
  } else {
    if (!sessionId) throw new DomainError('BAD_USER_INPUT', 'With a project API key, pass sessionId: the session to act in.');
    id = rawIdOf(sessionId, 'Session', 'sessionId');
  }
  const session = await deps.prisma.session.findFirst({ where: { id, ...visibleSessionsWhere(caller) } });
  if (!session) throw notFound('Session');
  return session;
}
