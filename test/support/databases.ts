import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { inject } from 'vitest';
import type { DatabaseTarget } from '../../src/db/index.js';

/** The local PostgreSQL every developer and CI machine has (trust auth). */
export const POSTGRES_ADMIN_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  target: DatabaseTarget;
  url?: string;
  drop(): Promise<void>;
}

async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A throwaway PostgreSQL database, dropped (with its connections) by `drop()`. */
export async function createPostgresDatabase(): Promise<TestDatabase> {
  const name = `connect_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    target: { kind: 'postgres', url: url.toString() },
    url: url.toString(),
    drop: () => withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

let template: Promise<Blob> | undefined;

/**
 * An in-memory PGlite that starts as a copy of the migrated, catalog-holding template the global
 * set-up prepared (the app's start then finds nothing to migrate or sync).
 */
export async function createPGliteDatabase(): Promise<TestDatabase> {
  template ??= readFile(inject('pgliteTemplate')).then((bytes) => new Blob([bytes]));
  return { target: { kind: 'pglite-memory', loadDataDir: await template }, drop: async () => undefined };
}

/** Runs a suite once per mode: embedded PGlite (in memory) and the local PostgreSQL. */
export const databaseModes = [
  { name: 'PGlite', create: createPGliteDatabase },
  { name: 'PostgreSQL', create: createPostgresDatabase },
] as const;
