// Vitest global set-up: the tests and the chat example use the client package as users do, built
// (packages/client/dist). Build it when dist is missing or older than any of its sources.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const PACKAGE = join(ROOT, 'packages/client');
const BUILT = [join(PACKAGE, 'dist/index.js'), join(PACKAGE, 'dist/browser.js')];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function buildClientIfStale(): void {
  const sources = Math.max(newestSource(join(PACKAGE, 'src')), statSync(join(PACKAGE, 'tsconfig.json')).mtimeMs);
  if (BUILT.every((file) => existsSync(file) && statSync(file).mtimeMs >= sources)) return;
  const bin = (name: string) => join(ROOT, 'node_modules/.bin', name);
  execFileSync(bin('tsc'), ['-p', PACKAGE], { stdio: 'inherit' });
  execFileSync(bin('esbuild'), [BUILT[0]!, '--bundle', '--format=esm', '--target=es2022', `--outfile=${BUILT[1]}`, '--log-level=warning'], {
    stdio: 'inherit',
  });
}

export default function setup(): void {
  buildClientIfStale();
}
