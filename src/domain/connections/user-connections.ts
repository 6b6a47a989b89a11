import type { ConnectedAccount, Session, Toolkit } from '../../generated/prisma/client.js';
import type { Caller } from '../access/caller.js';
import { visibleAccountsWhere } from '../access/visibility.js';
import type { DomainDeps } from '../deps.js';
import { toolkitListWhere, toolkitOrder } from '../toolkits/toolkits.js';
import { sessionToolkitConnections } from './session-toolkits.js';

// What an agent reads in chat before acting: the user's accounts, and the toolkits it may connect.

/** The user's accounts (a session client token: only its own user's), by toolkit then newest first. */
export function listUserConnections(deps: DomainDeps, caller: Caller, userId: string) {
  return deps.prisma.connectedAccount.findMany({
    where: { ...visibleAccountsWhere(caller), userId },
    include: { toolkit: true },
    orderBy: [{ toolkit: { slug: 'asc' } }, { createdAt: 'desc' }],
  });
}

/**
 * The toolkits a session may connect whose slug or name contains `search`, each with the user's
 * best account there: the session's own list, or, when it allows any toolkit, the project's
 * catalog (the user's connected toolkits first).
 */
export async function sessionToolkitChoices(
  deps: DomainDeps,
  session: Pick<Session, 'projectId' | 'userId' | 'toolkits'>,
  search: string | null | undefined,
  limit: number,
): Promise<{ toolkit: Toolkit; account: ConnectedAccount | null }[]> {
  const matches = (toolkit: Toolkit) =>
    !search || [toolkit.slug, toolkit.name].some((text) => text.toLowerCase().includes(search.trim().toLowerCase()));
  const known = (await sessionToolkitConnections(deps.prisma, session)).filter((choice) => matches(choice.toolkit));
  if (session.toolkits.length > 0 || known.length >= limit) return known.slice(0, limit);
  const more = await deps.prisma.toolkit.findMany({
    where: { AND: [toolkitListWhere(session.projectId, { search }), { id: { notIn: known.map((c) => c.toolkit.id) } }] },
    orderBy: toolkitOrder,
    take: limit - known.length,
  });
  return [...known, ...more.map((toolkit) => ({ toolkit, account: null }))];
}
