import { access, mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';
import { applyMigrations, readMigrations, type MigrationConnection } from './migrations.js';

export type { PrismaClient } from '../generated/prisma/client.js';

/**
 * Where the data lives: a PostgreSQL URL, a PGlite directory, or PGlite in memory (tests), which
 * may start from a copy of a prepared data directory (`PGlite.dumpDataDir()`) instead of empty.
 */
export type DatabaseTarget =
  | { kind: 'postgres'; url: string }
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'pglite-memory'; loadDataDir?: Blob };

export interface Database {
  prisma: PrismaClient;
  kind: 'postgres' | 'pglite';
  /** Migrations this start applied (empty when the schema was current). */
  appliedMigrations: string[];
  /** Resolves when the database answers a query; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** For a PGlite directory that does not exist yet: a prepared data directory to start from. */
  pgliteTemplate?: () => Promise<Blob | undefined>;
  /** How long a transaction may wait for a connection before the database counts as busy (default 30 s). */
  transactionMaxWaitMs?: number;
}

/**
 * A burst (hundreds of end users submitting in the same second) queues for the pool's
 * connections instead of failing after Prisma's default 2 s; only past this wait is the
 * database busy ({@link isDatabaseBusy}), and callers answer 503 with Retry-After.
 */
export const DEFAULT_TRANSACTION_MAX_WAIT_MS = 30_000;

function clientOptions(options: OpenOptions) {
  return {
    transactionOptions: { maxWait: options.transactionMaxWaitMs ?? DEFAULT_TRANSACTION_MAX_WAIT_MS, timeout: 15_000 },
    // Any other format captures a stack trace (\`new Error()\`) on every query, for the call
    // site in a validation error's message: about 5 % of the CPU of a write under load. Our
    // errors never show Prisma's message to a client, and the logs keep its code and cause.
    errorFormat: 'minimal' as const,
  };
}

/** Whether `error` says a transaction could not get a connection in time (Prisma P2028). */
export function isDatabaseBusy(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'P2028' || (typeof message === 'string' && message.includes('Unable to start a transaction in the given time'));
}

/**
 * Whether `error` is a unique constraint's violation: Prisma's P2002 from a model query, or the
 * driver's UniqueConstraintViolation under P2010 from a raw one (a database function's insert).
 */
export function isUniqueViolation(error: unknown): boolean {
  const { code, meta } = (error ?? {}) as { code?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } };
  return code === 'P2002' || (code === 'P2010' && meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation');
}

/** Opens the database, applies pending migrations, and returns a ready Prisma client. */
export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<Database> {
  return target.kind === 'postgres' ? openPostgres(target.url, options) : openPGlite(target, options);
}

async function openPostgres(url: string, options: OpenOptions): Promise<Database> {
  const migrator = new pg.Client({ connectionString: url });
  await migrator.connect();
  let appliedMigrations: string[];
  try {
    appliedMigrations = await applyMigrations(
      {
        query: async (sql, params) => (await migrator.query(sql, params)).rows,
        exec: async (sql) => void (await migrator.query(sql)),
      },
      await readMigrations(),
    );
  } finally {
    await migrator.end();
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }), ...clientOptions(options) });
  return {
    prisma,
    kind: 'postgres',
    appliedMigrations,
    ping: async () => void (await prisma.$queryRaw`SELECT 1`),
    close: () => prisma.$disconnect(),
  };
}

/**
 * PGlite and its adapter, loaded only when the embedded database is used: the module alone
 * costs a server on PostgreSQL about 40 MiB of memory and part of its start-up.
 */
export async function loadPGlite() {
  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([import('@electric-sql/pglite'), import('pglite-prisma-adapter')]);
  return { PGlite, PrismaPGlite };
}

async function openPGlite(target: Exclude<DatabaseTarget, { kind: 'postgres' }>, options: OpenOptions) {
  const { PGlite, PrismaPGlite } = await loadPGlite();
  let pglite: PGlite;
  if (target.kind === 'pglite') {
    const dir = resolve(target.dataDir, 'pglite');
    const exists = await access(resolve(dir, 'PG_VERSION')).then(() => true, () => false);
    const template = exists ? undefined : await options.pgliteTemplate?.();
    await mkdir(dir, { recursive: true });
    pglite = await PGlite.create(dir, template ? { loadDataDir: template } : {});
  } else {
    pglite = await PGlite.create(target.loadDataDir ? { loadDataDir: target.loadDataDir } : {});
  }
  const connection: MigrationConnection = {
    query: async <Row>(sql: string, params?: unknown[]) =>
      (await pglite.query<Row>(sql, params)).rows,
    exec: async (sql) => void (await pglite.exec(sql)),
  };
  let appliedMigrations: string[];
  try {
    appliedMigrations = await applyMigrations(connection, await readMigrations());
    // PGlite learns array types (e.g. "AuthScheme"[]) when it opens; types a migration just
    // created must be loaded, or array parameters of those types are sent malformed.
    if (appliedMigrations.length > 0) await pglite.refreshArrayTypes();
  } catch (error) {
    await pglite.close();
    throw error;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite), ...clientOptions(options) });
  return {
    prisma,
    kind: 'pglite' as const,
    appliedMigrations,
    ping: async () => void (await prisma.$queryRaw`SELECT 1`),
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}
