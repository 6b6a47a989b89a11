import type { PrismaClient } from '../db/index.js';
import type { Transaction } from '../db/locks.js';
import { hashSecret, newSecret } from './secrets.js';

const KEY_PREFIX = 'csk_';
const DISPLAY_PREFIX_LENGTH = KEY_PREFIX.length + 8;
// Writing lastUsedAt on every request would turn reads into writes; a minute is precise enough.
const LAST_USED_RESOLUTION_MS = 60_000;

/** What an authenticated API key grants: the project it belongs to. */
export interface ApiKeyPrincipal {
  apiKeyId: string;
  projectId: string;
}

export function generateApiKey(): string {
  return newSecret(KEY_PREFIX);
}

/** Stores a key for a project (hash and display prefix only) and returns its id. */
export async function storeApiKey(
  db: PrismaClient | Transaction,
  projectId: string,
  key: string,
  name: string,
): Promise<string> {
  const row = await db.apiKey.create({
    data: { projectId, name, hash: hashSecret(key), prefix: key.slice(0, DISPLAY_PREFIX_LENGTH) },
    select: { id: true },
  });
  return row.id;
}

/** Resolves a presented key to its project, or null when it is unknown or revoked. */
export async function authenticateApiKey(
  prisma: PrismaClient,
  key: string,
): Promise<ApiKeyPrincipal | null> {
  const row = await prisma.apiKey.findUnique({
    where: { hash: hashSecret(key) },
    select: { id: true, projectId: true, revokedAt: true, lastUsedAt: true },
  });
  if (!row || row.revokedAt) return null;
  const now = Date.now();
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await prisma.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } });
  }
  return { apiKeyId: row.id, projectId: row.projectId };
}
