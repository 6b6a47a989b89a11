// Run by `npm install` (postinstall): prepares the embedded database's template, so that the
// first `npm start` copies it instead of creating and migrating a database. Never fails the
// install: without a template the first start does the work itself.
import { buildTemplate, templateFile } from '../src/db/pglite-template.js';
import { catalogFingerprint, syncCatalog } from '../src/domain/toolkits/catalog-sync.js';

try {
  const file = await templateFile(catalogFingerprint());
  await buildTemplate(file, async (prisma) => void (await syncCatalog(prisma)));
} catch (error) {
  console.warn(`Skipped preparing the embedded database template: ${error instanceof Error ? error.message : String(error)}`);
}
