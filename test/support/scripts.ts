// The operator's entry points (`npm start`, `npm run import`, `npm run keys:rotate`) as the tests
// run them: bundled once per test run by the global set-up, then started with plain `node`.
// Through tsx, each start spent a second or more of CPU resolving and loading ~200 modules via
// loader hooks; the bundle is the same sources, transformed by the same esbuild tsx uses.
// `test/startup.test.ts` still starts `npm start` through tsx, exactly as the operator does.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inject } from 'vitest';
import { outputOf, type ChildOutput } from './child-output.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bundles of the entry points in {@link SCRIPTS}, by name. */
    scriptBundles: Record<ScriptName, string>;
  }
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const SCRIPTS = {
  start: 'src/main.ts',
  import: 'scripts/import.ts',
  'keys:rotate': 'scripts/rotate-keys.ts',
} as const;
export type ScriptName = keyof typeof SCRIPTS;

// Under node_modules, so that the packages left out of the bundle resolve as they do from the
// sources. Named by content: worktrees sharing node_modules never run each other's bundle.
const BUNDLE_DIR = join(ROOT, 'node_modules/.cache/connect-server/test-scripts');
const STALE_MS = 24 * 3600_000;

/** Bundles every entry point; resolves with the bundles' paths. */
export async function buildScripts(): Promise<Record<ScriptName, string>> {
  const { build } = await import('esbuild');
  await mkdir(BUNDLE_DIR, { recursive: true });
  const built = await Promise.all(
    Object.entries(SCRIPTS).map(async ([name, entry]) => {
      const result = await build({
        entryPoints: [join(ROOT, entry)],
        bundle: true,
        packages: 'external',
        platform: 'node',
        format: 'esm',
        target: 'node20',
        write: false,
        logLevel: 'warning',
        plugins: [
          {
            // Each module keeps its own import.meta.url: paths relative to a source file
            // (prisma/migrations, the PGlite template) stay right from inside the bundle.
            name: 'source-import-meta-url',
            setup(plugin) {
              plugin.onLoad({ filter: /\.ts$/ }, async ({ path }) => ({
                contents: (await readFile(path, 'utf8')).replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href)),
                loader: 'ts',
              }));
            },
          },
        ],
      });
      const code = result.outputFiles[0]!.contents;
      const file = join(BUNDLE_DIR, `${name.replace(':', '-')}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
      if (await stat(file).then(() => true, () => false)) {
        const now = new Date();
        await utimes(file, now, now);
      } else {
        // Written aside, then renamed: a run starting meanwhile never loads half a file.
        const partial = `${file}.${process.pid}.partial`;
        await writeFile(partial, code);
        await rename(partial, file);
      }
      return [name, file] as const;
    }),
  );
  const current = new Set(built.map(([, file]) => file));
  for (const entry of await readdir(BUNDLE_DIR)) {
    const path = join(BUNDLE_DIR, entry);
    if (current.has(path)) continue;
    const { mtimeMs } = await stat(path).catch(() => ({ mtimeMs: Date.now() }));
    if (Date.now() - mtimeMs > STALE_MS) await rm(path, { force: true });
  }
  return Object.fromEntries(built) as Record<ScriptName, string>;
}

/**
 * Runs an entry point to its end from the repository's root, as `npm run <name>` does; `env`
 * is added to this process's environment (`undefined` removes a variable).
 */
export function runScript(name: ScriptName, args: string[], env: Record<string, string | undefined>): Promise<ChildOutput> {
  return outputOf(spawn(process.execPath, [inject('scriptBundles')[name], ...args], { cwd: ROOT, env: { ...process.env, ...env } }));
}
