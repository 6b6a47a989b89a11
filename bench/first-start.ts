// `npm run bench:first-start`: the first start on a new DATA_DIR (embedded database), with the
// template `npm install` prepared and without it (set aside for the round), alternating, in one run.
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { templateFile } from '../src/db/pglite-template.js';
import { catalogFingerprint } from '../src/domain/toolkits/catalog-sync.js';

const file = await templateFile(catalogFingerprint());
const results: Record<string, number[]> = { template: [], none: [] };
for (let round = 0; round < 3; round++) {
  for (const mode of ['template', 'none'] as const) {
    if (mode === 'none') await rename(file, `${file}.aside`);
    const dir = await mkdtemp(join(tmpdir(), 'first-start-'));
    try {
      const config = loadConfig({ DATA_DIR: dir, HOST: '127.0.0.1', LOG_LEVEL: 'silent', ADMIN_API_KEY: 'csk_bench_admin_key_0123456789abcdefghij' });
      const began = performance.now();
      const app = buildApp(config);
      await app.start(0);
      results[mode]!.push(performance.now() - began);
      await app.stop();
    } finally {
      if (mode === 'none') await rename(`${file}.aside`, file);
      await rm(dir, { recursive: true, force: true });
    }
  }
}
for (const [mode, times] of Object.entries(results)) console.log(mode, times.map((t) => (t / 1000).toFixed(2) + ' s').join(', '));
