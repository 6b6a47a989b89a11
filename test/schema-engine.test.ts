// The offline schema engine (scripts/schema-engine), driven by the real Prisma CLI as users run it.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('..', import.meta.url));
const engine = join(repo, 'scripts/schema-engine/schema-engine');
const prismaCli = join(repo, 'node_modules/prisma/build/index.js');
const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

function databaseUrl(name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin(sql: string, url = adminUrl): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file, ...args],
      {
        cwd: repo,
        // Pin the engine (a developer's shell may point elsewhere) and keep the CLI off the network.
        env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: engine, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1', ...env },
        timeout: 25_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const prisma = (args: string[], env?: Record<string, string>) => run(prismaCli, args, env);

const schema = `datasource db {
  provider = "postgresql"
}

model Widget {
  id   Int    @id @default(autoincrement())
  name String @unique
  // A ';' inside a string must not split the migration script.
  note String @default("a;b")
}
`;

let dir: string;
const databases: string[] = [];
const throwawayDatabase = () => {
  const name = `engine_test_${randomBytes(5).toString('hex')}`;
  databases.push(name);
  return name;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'schema-engine-test-'));
  await writeFile(join(dir, 'schema.prisma'), schema);
  // A config of its own, so that migrations land in the temp directory, never in prisma/migrations.
  await writeFile(
    join(dir, 'prisma.config.ts'),
    `export default {
  schema: ${JSON.stringify(join(dir, 'schema.prisma'))},
  migrations: { path: ${JSON.stringify(join(dir, 'migrations'))} },
  datasource: { url: process.env.DATABASE_URL },
};
`,
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  for (const name of databases) await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
});

describe('the offline schema engine', () => {
  it('answers --version like the native engine', async () => {
    const { code, stdout } = await run(engine, ['--version']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^schema-engine-cli [0-9a-f]{40}\n$/);
  });

  it('prints the SQL of `migrate diff --from-empty --to-schema … --script`', async () => {
    const name = throwawayDatabase();
    await admin(`CREATE DATABASE "${name}"`);
    const { code, stdout, stderr } = await prisma(
      ['migrate', 'diff', '--from-empty', '--to-schema', join(dir, 'schema.prisma'), '--script'],
      { DATABASE_URL: databaseUrl(name) },
    );
    expect(stderr).not.toContain('Error');
    expect(code).toBe(0);
    expect(stdout).toContain('CREATE TABLE "Widget"');
    expect(stdout).toContain(`DEFAULT 'a;b'`);
    expect(stdout).toContain('CREATE UNIQUE INDEX "Widget_name_key"');
  });

  it('fails loudly, with the native error code, when the server is unreachable', async () => {
    const { code, stdout, stderr } = await prisma(
      ['migrate', 'diff', '--from-empty', '--to-schema', join(dir, 'schema.prisma'), '--script'],
      { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nowhere' },
    );
    expect(code).not.toBe(0);
    expect(stdout + stderr).toContain('P1001');
    expect(stdout + stderr).toContain("Can't reach database server at `127.0.0.1:1`");
  });

  it('runs `migrate dev` (creating the database and using a shadow database), then `migrate status`', async () => {
    const name = throwawayDatabase();
    const env = { DATABASE_URL: databaseUrl(name) };
    const config = ['--config', join(dir, 'prisma.config.ts')];

    const dev = await prisma(['migrate', 'dev', ...config, '--name', 'init'], env);
    expect(dev.stderr + dev.stdout).not.toContain('Error');
    expect(dev.code).toBe(0);
    expect(dev.stdout).toContain(`PostgreSQL database ${name} created`);
    expect(dev.stdout).toContain('Your database is now in sync with your schema.');

    const [migration] = (await readdir(join(dir, 'migrations'))).filter((entry) => entry.endsWith('_init'));
    expect(await readFile(join(dir, 'migrations', migration!, 'migration.sql'), 'utf8')).toContain('CREATE TABLE "Widget"');
    const applied = await admin(
      `SELECT column_default FROM information_schema.columns WHERE table_name = 'Widget' AND column_name = 'note'`,
      databaseUrl(name),
    );
    expect(applied.rows).toEqual([{ column_default: `'a;b'::text` }]);

    const status = await prisma(['migrate', 'status', ...config], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Database schema is up to date!');
  });
});
