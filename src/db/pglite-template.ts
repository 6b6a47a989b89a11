import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaClient } from '../generated/prisma/client.js';
import { loadPGlite } from './index.js';
import { applyMigrations, readMigrations } from './migrations.js';

/**
 * A PGlite data directory with every migration applied and the catalog synced, dumped once
 * (at `npm install`, and by the test set-up) so that a first start copies it instead of running
 * initdb, the migrations and the catalog sync: most of a first start's time. A template whose
 * inputs differ from this build's is simply not found, and the start does the work itself.
 */
export const TEMPLATE_DIR = fileURLToPath(new URL('../../node_modules/.cache/connect-server/', import.meta.url));

const PGLITE_PACKAGE = fileURLToPath(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url));

/** Changes whenever what a fresh database holds would: migrations, catalog, PGlite's version. */
export async function templateFile(catalogFingerprint: string, dir = TEMPLATE_DIR): Promise<string> {
  const hash = createHash('sha256');
  for (const migration of await readMigrations()) hash.update(`${migration.name}:${migration.checksum}\n`);
  hash.update(catalogFingerprint);
  hash.update(await readFile(PGLITE_PACKAGE).catch(() => Buffer.from('unknown')));
  return join(dir, `pglite-${hash.digest('hex').slice(0, 16)}.tar`);
}

/** The template's contents, when one for this build exists. */
export async function readTemplate(file: string): Promise<Blob | undefined> {
  const bytes = await readFile(file).catch(() => undefined);
  return bytes ? new Blob([bytes]) : undefined;
}

/** Builds the template at `file` unless it exists; `seed` fills the migrated database (the catalog). */
export async function buildTemplate(file: string, seed: (prisma: PrismaClient) => Promise<void>): Promise<void> {
  if (await stat(file).then(() => true, () => false)) return;
  await mkdir(dirname(file), { recursive: true });
  const { PGlite, PrismaPGlite } = await loadPGlite();
  const pglite = await PGlite.create();
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  try {
    await applyMigrations(
      {
        query: async <Row>(sql: string, params?: unknown[]) => (await pglite.query<Row>(sql, params)).rows,
        exec: async (sql) => void (await pglite.exec(sql)),
      },
      await readMigrations(),
    );
    await pglite.refreshArrayTypes();
    await seed(prisma);
    const dump = Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer());
    // Written aside, then renamed: a build that stops half-way leaves no broken template.
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, dump);
    await rename(partial, file);
  } finally {
    await prisma.$disconnect();
    await pglite.close();
  }
}
