import { createHash } from 'node:crypto';
import { loadCatalog, type CatalogToolkit } from '../../catalog/index.js';
import type { PrismaClient } from '../../db/index.js';
import { withAdvisoryLock } from '../../db/locks.js';
import type { Prisma, TokenAuthMethod } from '../../generated/prisma/client.js';

function catalogRow(entry: CatalogToolkit) {
  const oauth = entry.oauth;
  const row = {
    slug: entry.slug,
    name: entry.name,
    description: entry.description ?? null,
    logoUrl: entry.logoUrl ?? null,
    categories: entry.categories,
    authSchemes: entry.authSchemes,
    oauthVersion: oauth?.version ?? null,
    authorizeUrl: oauth?.authorizeUrl ?? null,
    tokenUrl: oauth?.tokenUrl ?? null,
    requestTokenUrl: oauth?.requestUrl ?? null,
    revokeUrl: oauth?.revokeUrl ?? null,
    userInfoUrl: oauth?.userInfoUrl ?? null,
    defaultScopes: oauth?.defaultScopes ?? [],
    scopeDelimiter: oauth?.scopeDelimiter ?? ' ',
    pkce: oauth?.pkce ?? false,
    tokenAuthMethod: (oauth?.tokenAuthMethod === 'client_secret_basic' ? 'CLIENT_SECRET_BASIC' : 'CLIENT_SECRET_POST') as TokenAuthMethod,
    fields: entry.fields as Prisma.InputJsonValue,
    apiBaseUrl: entry.apiBaseUrl ?? null,
  };
  return { ...row, catalogHash: createHash('sha256').update(JSON.stringify(row)).digest('hex') };
}

/** Identifies this build's catalog rows: changes whenever a sync would change the database. */
export function catalogFingerprint(catalog: readonly CatalogToolkit[] = loadCatalog()): string {
  const hash = createHash('sha256');
  for (const row of catalog.map(catalogRow)) hash.update(`${row.slug}:${row.catalogHash}\n`);
  return hash.digest('hex');
}

/**
 * Brings the catalog rows in line with the catalog shipped in this build: inserts new entries,
 * rewrites changed ones, leaves unchanged ones alone (one read when nothing changed). Entries
 * dropped from the catalog stay, since auth configs and accounts may still point at them.
 */
export async function syncCatalog(
  prisma: PrismaClient,
  catalog: readonly CatalogToolkit[] = loadCatalog(),
): Promise<{ inserted: number; updated: number }> {
  const wanted = catalog.map(catalogRow);
  const current = await prisma.toolkit.findMany({
    where: { projectId: null },
    select: { slug: true, catalogHash: true },
  });
  const hashes = new Map(current.map((row) => [row.slug, row.catalogHash]));
  if (wanted.every((row) => hashes.get(row.slug) === row.catalogHash)) {
    return { inserted: 0, updated: 0 };
  }
  return withAdvisoryLock(prisma, 'catalog-sync', async (tx) => {
    // Re-read under the lock: another instance may have synced meanwhile.
    const locked = await tx.toolkit.findMany({
      where: { projectId: null },
      select: { id: true, slug: true, catalogHash: true },
    });
    const bySlug = new Map(locked.map((row) => [row.slug, row]));
    const missing = wanted.filter((row) => !bySlug.has(row.slug));
    const changed = wanted.filter((row) => {
      const existing = bySlug.get(row.slug);
      return existing && existing.catalogHash !== row.catalogHash;
    });
    if (missing.length > 0) await tx.toolkit.createMany({ data: missing });
    for (const row of changed) {
      await tx.toolkit.update({ where: { id: bySlug.get(row.slug)!.id }, data: row });
    }
    return { inserted: missing.length, updated: changed.length };
  });
}

