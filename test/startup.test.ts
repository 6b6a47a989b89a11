import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/index.js';
import { readMigrations } from '../src/db/migrations.js';
import { startTestApp } from './support/app.js';
import { createPostgresDatabase } from './support/databases.js';
import { runScript } from './support/scripts.js';
import { startServerProcess } from './support/server-process.js';

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'connect-test-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('two instances starting together on one PostgreSQL', () => {
  it('create one default project, one admin key and one copy of the catalog', async () => {
    const database = await createPostgresDatabase();
    const apps = await Promise.all([1, 2].map(() => startTestApp(database, { ADMIN_API_KEY: '' })));
    try {
      expect(apps.filter((app) => app.createdApiKey)).toHaveLength(1);
      const prisma = apps[0]!.database.prisma;
      expect(await prisma.project.count()).toBe(1);
      expect(await prisma.apiKey.count()).toBe(1);
      const slugs = await prisma.toolkit.groupBy({ by: ['slug'], _count: true, where: { projectId: null } });
      expect(slugs.length).toBeGreaterThanOrEqual(230);
      expect(slugs.every((row) => row._count === 1)).toBe(true);
      const key = apps.find((app) => app.createdApiKey)!.createdApiKey!;
      for (const app of apps) {
        const result = await app.gql('{ toolkit(slug: "github") { name } }', undefined, key);
        expect(result.data).toEqual({ toolkit: { name: 'GitHub' } });
      }
    } finally {
      await Promise.all(apps.map((app) => app.stop()));
      await database.drop();
    }
  });
});

describe('the embedded default', () => {
  it('keeps data in DATA_DIR across restarts and creates the admin key only once', async () => {
    const dataDir = await tempDir();
    const target = { target: { kind: 'pglite' as const, dataDir }, drop: async () => undefined };
    const first = await startTestApp(target, { ADMIN_API_KEY: '' });
    // A new data directory starts as a copy of the template npm install prepared: nothing to migrate.
    expect(first.database.appliedMigrations).toEqual([]);
    const key = first.createdApiKey!;
    expect(key).toMatch(/^csk_[A-Za-z0-9_-]{43}$/);
    const created = await first.gql(
      `mutation { createToolkit(input: { slug: "kept", name: "Kept", authScheme: API_KEY,
         fields: [{ name: "apiKey", label: "API key", secret: true }] }) { toolkit { slug } } }`,
      undefined,
      key,
    );
    expect(created.errors).toBeUndefined();
    await first.stop();

    const second = await startTestApp(target, { ADMIN_API_KEY: '' });
    try {
      expect(second.createdApiKey).toBeUndefined();
      expect(second.database.appliedMigrations).toEqual([]);
      const kept = await second.gql('{ toolkit(slug: "kept") { name isCustom } }', undefined, key);
      expect(kept.data).toEqual({ toolkit: { name: 'Kept', isCustom: true } });
    } finally {
      await second.stop();
    }
  });
});

describe('npm start', () => {
  it('runs with no configuration, prints the new admin key once, and stops on SIGTERM', async () => {
    const dataDir = await tempDir();
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, HOST: '127.0.0.1' };
    delete env.DATABASE_URL;
    delete env.ADMIN_API_KEY;
    const { child, port, lines } = await startServerProcess(env);
    // The key is printed once start() returned, after the "listening" log line.
    await expect.poll(() => lines.find((line) => /^\s+csk_/.test(line)), { timeout: 10_000 }).toBeDefined();
    const keyLine = lines.find((line) => /^\s+csk_/.test(line));
    const key = keyLine!.trim();
    expect(lines.filter((line) => line.includes(key))).toHaveLength(1);

    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: '{ toolkits(first: 1) { totalCount } }' }),
    });
    const body = (await response.json()) as any;
    expect(body.data.toolkits.totalCount).toBeGreaterThanOrEqual(230);

    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('stops with one clear line on a bad environment variable', async () => {
    const { code, stderr } = await runScript('start', [], { PORT: 'eighty' });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('Invalid environment variable PORT: must be a number');
  });
});

describe('the embedded database without a prepared template', () => {
  it('creates and migrates a new data directory itself', async () => {
    const dataDir = await tempDir();
    const db = await openDatabase({ kind: 'pglite', dataDir }, { pgliteTemplate: async () => undefined });
    try {
      expect(db.appliedMigrations).toEqual((await readMigrations()).map((m) => m.name));
    } finally {
      await db.close();
    }
  }, 120_000);
});
