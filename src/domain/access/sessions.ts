import { z } from 'zod';
import type { PrismaClient } from '../../db/index.js';
import type { Session } from '../../generated/prisma/client.js';
import type { CoreDeps } from '../deps.js';
import { DomainError, notFound } from '../errors.js';
import { hashSecret, newSecret } from '../crypto/secrets.js';
import { parseInput } from '../validation.js';

const CLIENT_TOKEN_PREFIX = 'cst_';

/** A session client token lives a day unless createSession asks for another lifetime, at most 30 days. */
export const SESSION_DEFAULT_LIFETIME_SECONDS = 24 * 3600;
export const SESSION_MAX_LIFETIME_SECONDS = 30 * 24 * 3600;

import { requireApiKey, type Caller, type SessionCaller } from './caller.js';

export const createSessionInputSchema = z.object({
  userId: z.string().trim().min(1).max(200),
  displayName: z.string().trim().min(1).max(200).nullish(),
  toolkits: z.array(z.string().trim().min(1)).max(100).nullish(),
  authConfigIds: z.array(z.string().min(1)).max(100).nullish(),
  expiresInSeconds: z.number().int().min(60).max(SESSION_MAX_LIFETIME_SECONDS).nullish(),
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
  const clientTokenHash = hashSecret(clientToken);
  const session = await prisma.session.create({
    data: {
      projectId,
      userId: input.userId,
      displayName: input.displayName ?? null,
      toolkits: slugs,
      clientTokenHash,
      expiresAt: new Date(Date.now() + (input.expiresInSeconds ?? SESSION_DEFAULT_LIFETIME_SECONDS) * 1000),
      // A nested write makes Prisma wrap the insert in a transaction and read it back: only when there are pins.
      ...(pins.length > 0 ? { authConfigs: { create: pins.map((authConfigId) => ({ authConfigId })) } } : {}),
    },
  });
  deps.readCache.prime(sessionKey(session.id), { ...session, authConfigs: pins.map((authConfigId) => ({ authConfigId })) });
  deps.readCache.prime(sessionTokenKey(clientTokenHash), session);
  return { session, clientToken };
}

/** A session as authorize needs it: the row and the ids of its pinned auth configs. */
export type SessionWithPins = Session & { authConfigs: { authConfigId: string }[] };

/**
 * A session by id, cached: revoking or changing a session announces it, pins never change, and
 * the instance that creates a session keeps it (a chat usually authorizes right after).
 */
export function sessionForAuthorize({ prisma, readCache }: Pick<CoreDeps, 'prisma' | 'readCache'>, id: string) {
  return readCache.get<SessionWithPins>(
    sessionKey(id),
    () => prisma.session.findUnique({ where: { id }, include: { authConfigs: { select: { authConfigId: true } } } }),
  );
}

const sessionKey = (id: string) => `session:${id}`;
const sessionTokenKey = (hash: string) => `session-token:${hash}`;

export function isSessionClientToken(token: string): boolean {
  return token.startsWith(CLIENT_TOKEN_PREFIX);
}

/** Whether a session's client token no longer works: revoked, or past its expiry. */
export function sessionEnded(session: { expiresAt: Date | null; revokedAt: Date | null }, now = new Date()): boolean {
  return session.revokedAt !== null || (session.expiresAt !== null && session.expiresAt <= now);
}

/** Resolves a session client token, or null when unknown, or the session expired or was revoked. */
export async function authenticateSessionToken(
  { prisma, readCache }: Pick<CoreDeps, 'prisma' | 'readCache'>,
  token: string,
): Promise<SessionCaller | null> {
  const hash = hashSecret(token);
  // Revoking or changing a session announces it (revokeSession, updateSession); expiry is checked here.
  const session = await readCache.get(
    sessionTokenKey(hash),
    () =>
      prisma.session.findUnique({
        where: { clientTokenHash: hash },
        select: { id: true, projectId: true, userId: true, expiresAt: true, revokedAt: true },
      }),
  );
  if (!session || sessionEnded(session)) return null;
  return { kind: 'session', sessionId: session.id, projectId: session.projectId, userId: session.userId };
}

/** Why a session's client token stopped working. */
export type SessionEnd = 'expired' | 'revoked';

/** Of these sessions, those whose client tokens no longer work, and why (a deleted one counts as revoked). */
export async function endedSessions(prisma: PrismaClient, ids: readonly string[]): Promise<Map<string, SessionEnd>> {
  const ended = new Map<string, SessionEnd>();
  if (ids.length === 0) return ended;
  const rows = await prisma.session.findMany({
    where: { id: { in: [...ids] } },
    select: { id: true, expiresAt: true, revokedAt: true },
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  const now = new Date();
  for (const id of ids) {
    const row = byId.get(id);
    if (!row || row.revokedAt) ended.set(id, 'revoked');
    else if (sessionEnded(row, now)) ended.set(id, 'expired');
  }
  return ended;
}
