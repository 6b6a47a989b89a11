import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { loadCatalog } from '../../src/catalog/index.js';
import { applyMigrations, readMigrations } from '../../src/db/migrations.js';
import { PrismaClient } from '../../src/generated/prisma/client.js';
import { syncCatalog } from '../../src/domain/toolkits/catalog-sync.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PGlite data directory, migrated and holding the catalog, that test databases start from. */
    pgliteTemplate: string;
  }
}

const MIGRATIONS = new URL('../../prisma/migrations/', import.meta.url);

/** Changes whenever what a fresh database holds would change: migrations, catalog, PGlite. */
async function templateKey(): Promise<string> {
  const hash = createHash('sha256');
  for (const entry of (await readdir(MIGRATIONS, { recursive: true })).sort()) {
    const file = new URL(entry, MIGRATIONS);
    if ((await stat(file)).isFile()) hash.update(entry).update(await readFile(file));
  }
  hash.update(JSON.stringify(loadCatalog()));
  hash.update(await readFile(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url)));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Starting PGlite empty, applying every migration and syncing the catalog took most of each
 * test file's set-up; it is done once and kept in the temp directory until its inputs change.
 */
export default async function setup(project: TestProject) {
  const dir = join(tmpdir(), 'connect-server-tests');
  const path = join(dir, `pglite-${await templateKey()}.tar`);
  const exists = await stat(path).then(() => true, () => false);
  if (!exists) {
    await mkdir(dir, { recursive: true });
    const pglite = await PGlite.create();
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    try {
      await applyMigrations(
        { query: async (sql, params) => (await pglite.query<never>(sql, params)).rows, exec: async (sql) => void (await pglite.exec(sql)) },
        await readMigrations(),
      );
      await pglite.refreshArrayTypes();
      await syncCatalog(prisma);
      const dump = Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer());
      // Written aside, then renamed: a run that stops half-way leaves no broken template.
      const partial = `${path}.${process.pid}.partial`;
      await writeFile(partial, dump);
      await rename(partial, path);
    } finally {
      await prisma.$disconnect();
      await pglite.close();
    }
  }
  project.provide('pgliteTemplate', path);
}
