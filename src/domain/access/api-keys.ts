import { z } from 'zod';
import type { PrismaClient } from '../../db/index.js';
import type { Transaction } from '../../db/locks.js';
import type { ApiKey } from '../../generated/prisma/client.js';
import type { CoreDeps } from '../deps.js';
import { DomainError, notFound } from '../errors.js';
import { requireApiKey, type Caller } from './caller.js';
import { hashSecret, newSecret } from '../crypto/secrets.js';
import { parseInput } from '../validation.js';

const KEY_PREFIX = 'csk_';
// Shown in `apiKeys.prefix` to recognise a key by. A generated key is `csk_` and 43 random
// characters, so 8 of them give nothing useful away; an operator's ADMIN_API_KEY is any string
// of 24 characters or more, possibly short on entropy, so at most its first 4 are shown.
const DISPLAY_PREFIX_LENGTH = KEY_PREFIX.length + 8;
export const OPERATOR_KEY_DISPLAY_PREFIX_LENGTH = 4;
// Writing lastUsedAt on every request would turn reads into writes; a minute is precise enough.
const LAST_USED_RESOLUTION_MS = 60_000;

type ApiKeyCaller = Extract<Caller, { kind: 'apiKey' }>;

export function generateApiKey(): string {
  return newSecret(KEY_PREFIX);
}

/**
 * Stores a key for a project (hash and display prefix only) and returns its id. `operatorSupplied`:
 * the key was chosen by the operator (ADMIN_API_KEY), not generated here.
 */
export async function storeApiKey(
  db: PrismaClient | Transaction,
  projectId: string,
  key: string,
  name: string,
  { operatorSupplied = false }: { operatorSupplied?: boolean } = {},
): Promise<string> {
  const prefixLength = operatorSupplied ? OPERATOR_KEY_DISPLAY_PREFIX_LENGTH : DISPLAY_PREFIX_LENGTH;
  const row = await db.apiKey.create({
    data: { projectId, name, hash: hashSecret(key), prefix: key.slice(0, prefixLength) },
    select: { id: true },
  });
  return row.id;
}

/** Resolves a presented key to its project, or null when it is unknown or revoked. */
export async function authenticateApiKey(
  { prisma, readCache }: Pick<CoreDeps, 'prisma' | 'readCache'>,
  key: string,
): Promise<ApiKeyCaller | null> {
  const hash = hashSecret(key);
  // Revoking a key announces the change (revokeApiKey), so a cached row is never a revoked one.
  const row = await readCache.get(
    `api-key:${hash}`,
    () => prisma.apiKey.findUnique({ where: { hash }, select: { id: true, projectId: true, revokedAt: true, lastUsedAt: true } }),
  );
  if (!row || row.revokedAt) return null;
  const now = Date.now();
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    row.lastUsedAt = new Date(now);
    await prisma.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: row.lastUsedAt } });
  }
  return { kind: 'apiKey', apiKeyId: row.id, projectId: row.projectId };
}

const createApiKeyInputSchema = z.object({ name: z.string().trim().min(1).max(100) });

/**
 * Creates a key for the project. The key is returned here and nowhere else: the database keeps
 * its SHA-256 and a 12-character prefix to recognise it by.
 */
export async function createApiKey(deps: CoreDeps, caller: Caller, raw: unknown): Promise<{ apiKey: ApiKey; key: string }> {
  requireApiKey(caller, 'createApiKey');
  const { prisma } = deps;
  const { projectId } = caller;
  const input = parseInput(createApiKeyInputSchema, raw, 'API key');
  const key = generateApiKey();
  const id = await storeApiKey(prisma, projectId, key, input.name);
  return { apiKey: await prisma.apiKey.findUniqueOrThrow({ where: { id } }), key };
}

/**
 * Revokes a key of the project; it is refused from the next request on (and open WebSockets
 * using it are closed). Revoking an already revoked key changes nothing.
 *
 * The key making the call is only revoked with `revokeCurrentKey`: a rotation creates the new
 * key, switches to it, then revokes the old one with the new one, so revoking oneself is
 * almost always a mistake, and one that can lock the project out (it may be its last key;
 * the operator then recovers with a new ADMIN_API_KEY). Other keys, even all of them but the
 * caller's, may be revoked freely.
 */
export async function revokeApiKey(
  deps: CoreDeps,
  caller: Caller,
  input: { id: string; revokeCurrentKey?: boolean | null },
): Promise<ApiKey> {
  requireApiKey(caller, 'revokeApiKey');
  const { prisma } = deps;
  const row = await prisma.apiKey.findFirst({ where: { id: input.id, projectId: caller.projectId } });
  if (!row) throw notFound('API key');
  if (row.revokedAt) return row;
  if (row.id === caller.apiKeyId && !input.revokeCurrentKey) {
    throw new DomainError(
      'CONFLICT',
      'This is the key making this call. Revoke it with another key, or pass revokeCurrentKey: true.',
    );
  }
  // Conditional, so that two concurrent revocations keep the first revokedAt.
  await prisma.apiKey.updateMany({ where: { id: row.id, revokedAt: null }, data: { revokedAt: new Date() } });
  await deps.readCache.changed();
  return prisma.apiKey.findUniqueOrThrow({ where: { id: row.id } });
}

/** Which of these keys are revoked (or gone): long-lived connections authenticated with them must end. */
export async function revokedApiKeyIds(prisma: PrismaClient, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const active = await prisma.apiKey.findMany({ where: { id: { in: [...ids] }, revokedAt: null }, select: { id: true } });
  const stillActive = new Set(active.map((row) => row.id));
  return new Set(ids.filter((id) => !stillActive.has(id)));
}
