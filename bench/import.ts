// `npm run bench:import` (also run by `npm run bench`): `npm run import` of a generated
// 10,000-line file (half API keys, half OAuth 2 tokens) into the embedded database, timed from
// the command's start to its exit, as an operator would see it. PASS under 60 s.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestApp, TEST_ENCRYPTION_KEYS, type TestApp } from '../test/support/app.js';
import { outputOf, type ChildOutput } from '../test/support/child-output.js';
import { count, type Row } from './report.js';

const LINES = Number(process.env.BENCH_IMPORT_LINES ?? 10_000);
const LIMIT_MS = 60_000;

async function createAuthConfigs(app: TestApp): Promise<{ keys: string; oauth: string }> {
  const toolkit = await app.gql(`mutation($input: CreateToolkitInput!) { createToolkit(input: $input) { toolkit { slug } } }`, {
    input: {
      slug: 'bench-crm',
      name: 'Bench CRM',
      authScheme: 'OAUTH2',
      oauth2: { authorizeUrl: 'https://auth.example.com/authorize', tokenUrl: 'https://auth.example.com/token' },
    },
  });
  if (toolkit.errors) throw new Error(JSON.stringify(toolkit.errors));
  const create = async (input: Record<string, unknown>) => {
    const result = await app.gql(`mutation($input: CreateAuthConfigInput!) { createAuthConfig(input: $input) { authConfig { id } } }`, { input });
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!.createAuthConfig.authConfig.id as string;
  };
  return {
    keys: await create({ toolkit: 'openai', name: 'OpenAI keys' }),
    oauth: await create({ toolkit: 'bench-crm', name: 'CRM app', credentials: { clientId: 'bench', clientSecret: 'bench-secret' } }),
  };
}

function line(i: number, authConfigs: { keys: string; oauth: string }, expiresAt: string): string {
  const userId = `bench_user_${i}`;
  if (i % 2 === 0) {
    const credentials = { fields: [{ name: 'apiKey', value: `sk-proj-bench${String(i).padStart(24, '0')}` }] };
    return JSON.stringify({ userId, toolkit: 'openai', authConfigId: authConfigs.keys, credentials });
  }
  const oauth2 = { accessToken: `at_${i}`, refreshToken: `rt_${i}`, expiresAt, scopes: ['contacts.read'], tokenType: 'Bearer' };
  return JSON.stringify({ userId, toolkit: 'bench-crm', authConfigId: authConfigs.oauth, alias: 'work', credentials: { oauth2 } });
}

function runImport(file: string, dataDir: string): Promise<ChildOutput> {
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/import.ts', file], {
    cwd,
    env: { ...process.env, DATABASE_URL: undefined, REDIS_URL: undefined, DATA_DIR: dataDir, ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS, LOG_LEVEL: 'warn' },
  });
  return outputOf(child);
}

/** Runs the benchmark; returns its row of the report. */
export async function importBenchmark(lines = LINES): Promise<Row> {
  const dataDir = await mkdtemp(join(tmpdir(), 'connect-bench-import-'));
  try {
    // The server sets the database up (migrations, catalog, project), then leaves it to the command.
    const app = await startTestApp({ target: { kind: 'pglite', dataDir }, drop: async () => undefined });
    const authConfigs = await createAuthConfigs(app);
    await app.stop();
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    const file = join(dataDir, 'accounts.jsonl');
    await writeFile(file, Array.from({ length: lines }, (_, i) => line(i, authConfigs, expiresAt)).join('\n') + '\n');

    const began = performance.now();
    const run = await runImport(file, dataDir);
    const elapsed = performance.now() - began;
    if (run.code !== 0 || !run.stdout.includes(`imported: ${lines}`)) {
      throw new Error(`npm run import failed (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
    }
    return {
      what: `npm run import, ${count(lines)} lines, embedded database`,
      figure: `${(elapsed / 1000).toFixed(1)} s (${Math.round((lines / elapsed) * 1000)} lines/s)`,
      target: `< ${LIMIT_MS / 1000} s`,
      pass: elapsed < LIMIT_MS,
      scaled: lines < 10_000,
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const row = await importBenchmark();
  console.log(`${row.what}: ${row.figure}, ${row.pass ? 'PASS' : 'FAIL'} (limit ${LIMIT_MS / 1000} s)`);
}
