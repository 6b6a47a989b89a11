import type { TestProject } from 'vitest/node';
import { buildTemplate, templateFile } from '../../src/db/pglite-template.js';
import { catalogFingerprint, syncCatalog } from '../../src/domain/toolkits/catalog-sync.js';
import { buildScripts } from './scripts.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PGlite data directory, migrated and holding the catalog, that test databases start from. */
    pgliteTemplate: string;
  }
}

/**
 * Starting PGlite empty, applying every migration and syncing the catalog took most of each
 * test file's set-up. The template `npm install` prepared (or this set-up, once) is copied instead.
 * The operator's scripts are bundled meanwhile (see ./scripts.ts).
 */
export default async function setup(project: TestProject) {
  const [file, scripts] = await Promise.all([
    templateFile(catalogFingerprint()).then(async (file) => {
      await buildTemplate(file, async (prisma) => void (await syncCatalog(prisma)));
      return file;
    }),
    buildScripts(),
  ]);
  project.provide('pgliteTemplate', file);
  project.provide('scriptBundles', scripts);
}
