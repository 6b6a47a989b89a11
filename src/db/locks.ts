import { createHash } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client.js';

type Transaction = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
export type { Transaction };

/** A stable 64-bit advisory lock key derived from a readable name. */
export function lockKey(name: string): bigint {
  return createHash('sha256').update(name).digest().readBigInt64BE(0);
}

/**
 * Runs `fn` in a transaction holding a transaction-scoped advisory lock, so that work which must
 * happen once (bootstrap, catalog sync) is serialized across every instance sharing the database.
 */
export function withAdvisoryLock<T>(
  prisma: PrismaClient,
  name: string,
  fn: (tx: Transaction) => Promise<T>,
  timeoutMs = 30_000,
): Promise<T> {
  return prisma.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT pg_advisory_xact_lock(${lockKey(name)})::text AS locked`;
      return fn(tx);
    },
    { timeout: timeoutMs, maxWait: timeoutMs },
  );
}

/**
 * `withAdvisoryLock` for many names at once (bulk writes). The locks are taken in one statement,
 * in key order, so transactions holding overlapping sets cannot deadlock each other.
 */
export function withAdvisoryLocks<T>(
  prisma: PrismaClient,
  names: readonly string[],
  fn: (tx: Transaction) => Promise<T>,
  timeoutMs = 30_000,
): Promise<T> {
  const keys = [...new Set(names.map(lockKey))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
  return prisma.$transaction(
    async (tx) => {
      // unnest yields the array in order, and the locks are taken row by row as it does.
      await tx.$queryRaw`SELECT count(pg_advisory_xact_lock(k::bigint))::text AS locked FROM unnest(${keys}::text[]) AS k`;
      return fn(tx);
    },
    { timeout: timeoutMs, maxWait: timeoutMs },
  );
}
