import type { PrismaClient } from '../../db/index.js';
import type { ConnectedAccount, Session, Toolkit } from '../../generated/prisma/client.js';

const STATUS_RANK: Record<ConnectedAccount['status'], number> = {
  ACTIVE: 0,
  INITIATED: 1,
  EXPIRED: 2,
  INACTIVE: 3,
  FAILED: 4,
  REVOKED: 5,
};

/**
 * What an agent checks before prompting in chat: per toolkit of the session, the user's most
 * useful account (ACTIVE first, then the most recent), or null. Two queries for any number of
 * toolkits.
 */
export async function sessionToolkitConnections(
  prisma: PrismaClient,
  session: Pick<Session, 'projectId' | 'userId' | 'toolkits'>,
): Promise<{ toolkit: Toolkit; account: ConnectedAccount | null }[]> {
  const accounts = await prisma.connectedAccount.findMany({
    where: {
      projectId: session.projectId,
      userId: session.userId,
      ...(session.toolkits.length > 0 ? { toolkit: { slug: { in: session.toolkits } } } : {}),
    },
    include: { toolkit: true },
    orderBy: { createdAt: 'desc' },
  });
  const toolkits =
    session.toolkits.length > 0
      ? await prisma.toolkit.findMany({
          where: { slug: { in: session.toolkits }, OR: [{ projectId: null }, { projectId: session.projectId }] },
          orderBy: { slug: 'asc' },
        })
      : [...new Map(accounts.map((a) => [a.toolkitId, a.toolkit])).values()].sort((a, b) => a.slug.localeCompare(b.slug));
  return toolkits.map((toolkit) => {
    const mine = accounts.filter((a) => a.toolkitId === toolkit.id);
    mine.sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || b.createdAt.getTime() - a.createdAt.getTime());
    return { toolkit, account: mine[0] ?? null };
  });
}
