import { z } from 'zod';
import type { CoreDeps } from '../deps.js';
import { DomainError, notFound } from '../errors.js';
import { parseInput } from '../validation.js';
import { requireApiKey, type Caller } from './caller.js';
import { visibleSessionsWhere } from './visibility.js';

const updateSessionInputSchema = z.object({
  id: z.string().min(1),
  displayName: z.string().trim().min(1).max(200).nullish(),
  toolkits: z.array(z.string().trim().min(1)).max(100).nullish(),
  /** null removes the expiry; undefined keeps it. */
  expiresAt: z.date().nullish(),
});

/**
 * Changes what a session may connect, how long it (and its client token) lives, and the name
 * its hosted pages show. Omitted fields stay; `toolkits: []` allows every toolkit and
 * `expiresAt: null` removes the expiry. Project API key only: a client token must not extend itself.
 */
export async function updateSession(deps: CoreDeps, caller: Caller, raw: unknown) {
  requireApiKey(caller, 'updateSession');
  const input = parseInput(updateSessionInputSchema, raw, 'session');
  const session = await deps.prisma.session.findFirst({ where: { id: input.id, ...visibleSessionsWhere(caller) } });
  if (!session) throw notFound('Session');
  if (input.expiresAt && input.expiresAt <= new Date()) {
    throw new DomainError('BAD_USER_INPUT', 'expiresAt must be in the future.', [{ path: 'expiresAt', message: 'must be in the future' }]);
  }
  const slugs = input.toolkits ? [...new Set(input.toolkits)] : undefined;
  if (slugs && slugs.length > 0) {
    const found = await deps.prisma.toolkit.findMany({
      where: { slug: { in: slugs }, OR: [{ projectId: null }, { projectId: caller.projectId }] },
      select: { slug: true },
    });
    const missing = slugs.filter((slug) => !found.some((t) => t.slug === slug));
    if (missing.length > 0) throw new DomainError('NOT_FOUND', `Unknown toolkit(s): ${missing.join(', ')}.`);
  }
  const updated = await deps.prisma.session.update({
    where: { id: session.id },
    data: {
      ...(slugs ? { toolkits: slugs } : {}),
      ...(input.expiresAt !== undefined ? { expiresAt: input.expiresAt } : {}),
      ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
    },
  });
  await deps.readCache.changed();
  return updated;
}
