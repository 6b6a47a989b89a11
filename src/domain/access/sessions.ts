import { z } from 'zod';
import type { PrismaClient } from '../../db/index.js';
import type { CoreDeps } from '../deps.js';
import { DomainError, notFound } from '../errors.js';
import { hashSecret, newSecret } from '../crypto/secrets.js';
import { parseInput } from '../validation.js';

const CLIENT_TOKEN_PREFIX = 'cst_';

import { requireApiKey, type Caller, type SessionCaller } from './caller.js';

export const createSessionInputSchema = z.object({
  userId: z.string().trim().min(1).max(200),
  displayName: z.string().trim().min(1).max(200).nullish(),
  toolkits: z.array(z.string().trim().min(1)).max(100).nullish(),
  authConfigIds: z.array(z.string().min(1)).max(100).nullish(),
  expiresInSeconds: z.number().int().min(60).max(30 * 24 * 3600).nullish(),
});

/** A session for one end user; the returned client token is shown once. */
export async function createSession(deps: CoreDeps, caller: Caller, raw: unknown) {
  requireApiKey(caller, 'createSession');
  const { prisma } = deps;
  const { projectId } = caller;
  const input = parseInput(createSessionInputSchema, raw, 'session');
  const slugs = [...new Set(input.toolkits ?? [])];
  if (slugs.length > 0) {
    const found = await prisma.toolkit.findMany({
      where: { slug: { in: slugs }, OR: [{ projectId: null }, { projectId }] },
      select: { slug: true },
    });
    const missing = slugs.filter((slug) => !found.some((t) => t.slug === slug));
    if (missing.length > 0) {
      throw new DomainError('NOT_FOUND', `Unknown toolkit(s): ${missing.join(', ')}.`);
    }
  }
  const pins = [...new Set(input.authConfigIds ?? [])];
  if (pins.length > 0) {
    const configs = await prisma.authConfig.findMany({
      where: { id: { in: pins }, projectId },
      select: { id: true, toolkit: { select: { slug: true } } },
    });
    if (configs.length !== pins.length) throw notFound('An auth config of authConfigIds');
    const toolkitsOfPins = configs.map((c) => c.toolkit.slug);
    if (new Set(toolkitsOfPins).size !== toolkitsOfPins.length) {
      throw new DomainError('BAD_USER_INPUT', 'A session can pin one auth config per toolkit.');
    }
  }
  const clientToken = newSecret(CLIENT_TOKEN_PREFIX);
  const session = await prisma.session.create({
    data: {
      projectId,
      userId: input.userId,
      displayName: input.displayName ?? null,
      toolkits: slugs,
      clientTokenHash: hashSecret(clientToken),
      expiresAt: input.expiresInSeconds ? new Date(Date.now() + input.expiresInSeconds * 1000) : null,
      authConfigs: { create: pins.map((authConfigId) => ({ authConfigId })) },
    },
  });
  return { session, clientToken };
}

export function isSessionClientToken(token: string): boolean {
  return token.startsWith(CLIENT_TOKEN_PREFIX);
}

/** Resolves a session client token, or null when unknown or the session expired. */
export async function authenticateSessionToken(
  prisma: PrismaClient,
  token: string,
): Promise<SessionCaller | null> {
  const session = await prisma.session.findUnique({
    where: { clientTokenHash: hashSecret(token) },
    select: { id: true, projectId: true, userId: true, expiresAt: true },
  });
  if (!session || (session.expiresAt && session.expiresAt <= new Date())) return null;
  return { kind: 'session', sessionId: session.id, projectId: session.projectId, userId: session.userId };
}

/** Of these sessions, those whose client tokens no longer work: expired since, or gone. */
export async function endedSessionIds(prisma: PrismaClient, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const live = await prisma.session.findMany({
    where: { id: { in: [...ids] }, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
    select: { id: true },
  });
  const stillLive = new Set(live.map((row) => row.id));
  return new Set(ids.filter((id) => !stillLive.has(id)));
}
