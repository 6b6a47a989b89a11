import { z } from 'zod';
import type { PrismaClient } from '../../db/index.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { Logger } from '../../logger.js';
import { KeyRingError, type KeyRing } from './encryption.js';
import { DomainError } from '../errors.js';
import { parseInput } from '../validation.js';

/**
 * One column holding a secret at rest, encrypted with the row's id as associated data. Model
 * and field names are the table and column names (the schema uses no @map), checked by tsc here
 * and against the datamodel by test/key-rotation.test.ts.
 */
export interface EncryptedColumn {
  table: string;
  idColumn: string;
  ciphertextColumn: string;
  /** The kid the ciphertext was written with, kept beside it so stale rows are found by a filter. */
  keyIdColumn: string;
}

type StringColumnOf<M extends Prisma.ModelName> = {
  [F in keyof Prisma.TypeMap['model'][M]['fields']]: Prisma.TypeMap['model'][M]['fields'][F] extends Prisma.FieldRef<M, 'String'>
    ? F
    : never;
}[keyof Prisma.TypeMap['model'][M]['fields']] &
  string;

function encryptedColumn<M extends Prisma.ModelName>(column: {
  table: M;
  idColumn: StringColumnOf<M>;
  ciphertextColumn: StringColumnOf<M>;
  keyIdColumn: StringColumnOf<M>;
}): EncryptedColumn {
  return column;
}

/** Every secret at rest. A new encrypted column is one entry here; the rotation needs nothing else. */
export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  encryptedColumn({ table: 'ConnectedAccount', idColumn: 'id', ciphertextColumn: 'encryptedCredentials', keyIdColumn: 'credentialsKeyId' }),
  encryptedColumn({ table: 'AuthConfig', idColumn: 'id', ciphertextColumn: 'encryptedCredentials', keyIdColumn: 'credentialsKeyId' }),
  encryptedColumn({ table: 'WebhookEndpoint', idColumn: 'id', ciphertextColumn: 'encryptedSecret', keyIdColumn: 'secretKeyId' }),
  encryptedColumn({ table: 'ConnectLink', idColumn: 'id', ciphertextColumn: 'encryptedToken', keyIdColumn: 'tokenKeyId' }),
];

/** What one rotation run did to one table. */
export interface TableRotation {
  table: string;
  /** Rows re-encrypted under the active key by this run. */
  rotated: number;
  /** Rows rewritten by someone else between read and write (so already current, or deleted). */
  skipped: number;
  /** Rows this ring cannot decrypt (key missing, or data not of this row); left as they are. */
  failed: number;
  /** Ids of the failed rows (at most {@link MAX_REPORTED_IDS}); never their contents. */
  failedIds: string[];
  /** Rows still not under the active key after this run: failed, beyond maxRows, or written meanwhile under an old key. */
  remaining: number;
}

export interface RotationReport {
  activeKeyId: string;
  tables: TableRotation[];
  /** True when every encrypted row is under the active key: the other keys may be removed. */
  complete: boolean;
}

export interface RotationDeps {
  prisma: PrismaClient;
  keyRing: KeyRing;
  logger: Logger;
}

const MAX_REPORTED_IDS = 100;
// A row rewritten under an old key between read and write (an instance still on the old ring)
// is tried again; more than this many lost races in a row is not worth spinning on.
const MAX_ATTEMPTS = 3;

const optionsSchema = z.object({
  batchSize: z.number().int().min(1).max(1_000).default(100),
  maxRows: z.number().int().min(1).optional(),
});

export type RotationOptions = z.input<typeof optionsSchema>;

const quote = (name: string) => Prisma.raw(`"${name.replace(/"/g, '""')}"`);

// Whether a row still needs work: its key id column, or the kid inside its ciphertext, is not
// the active one (the two should agree; if they do not, rewriting both fixes it).
function staleCondition(column: EncryptedColumn, activeKeyId: string): Prisma.Sql {
  const ciphertext = quote(column.ciphertextColumn);
  return Prisma.sql`${ciphertext} IS NOT NULL
    AND (${quote(column.keyIdColumn)} IS DISTINCT FROM ${activeKeyId}
      OR NOT starts_with(${ciphertext}, ${`v1.${activeKeyId}.`}))`;
}

interface StoredRow {
  id: string;
  ciphertext: string;
}

/**
 * Walks the table in primary-key order (keyset pagination on the primary key index, so each
 * batch is an index range scan and the whole run reads every row once, with no index on the key
 * id column needed) and returns the next stale rows after `afterId`.
 */
function readBatch(deps: RotationDeps, column: EncryptedColumn, afterId: string, limit: number) {
  const id = quote(column.idColumn);
  return deps.prisma.$queryRaw<StoredRow[]>`
    SELECT ${id} AS "id", ${quote(column.ciphertextColumn)} AS "ciphertext"
    FROM ${quote(column.table)}
    WHERE ${id} > ${afterId} AND ${staleCondition(column, deps.keyRing.activeKeyId)}
    ORDER BY ${id}
    LIMIT ${limit}`;
}

async function readRow(deps: RotationDeps, column: EncryptedColumn, rowId: string): Promise<StoredRow | undefined> {
  const rows = await deps.prisma.$queryRaw<StoredRow[]>`
    SELECT ${quote(column.idColumn)} AS "id", ${quote(column.ciphertextColumn)} AS "ciphertext"
    FROM ${quote(column.table)}
    WHERE ${quote(column.idColumn)} = ${rowId} AND ${staleCondition(column, deps.keyRing.activeKeyId)}`;
  return rows[0];
}

/**
 * Re-encrypts one row under the active key with a compare-and-swap on the ciphertext itself: a
 * single autocommit UPDATE, so no lock outlives it. Other writers are neither blocked nor made
 * to fail: `version` and `updatedAt` are left alone on purpose, because the plaintext does not
 * change, so a writer holding the old ciphertext (e.g. a refresh that already rotated the
 * provider's refresh token) is still right, and its write must win over ours, never the reverse.
 */
async function rotateRow(
  deps: RotationDeps,
  column: EncryptedColumn,
  row: StoredRow,
): Promise<'rotated' | 'skipped' | { failed: string }> {
  let current: StoredRow | undefined = row;
  for (let attempt = 1; current; attempt++) {
    let next: string;
    try {
      next = deps.keyRing.encrypt(deps.keyRing.decrypt(current.ciphertext, current.id), current.id);
    } catch (error) {
      // KeyRingError messages name a kid at most; anything else (a bug) must not pass silently.
      if (error instanceof KeyRingError) return { failed: error.message };
      throw error;
    }
    const written = await deps.prisma.$executeRaw`
      UPDATE ${quote(column.table)}
      SET ${quote(column.ciphertextColumn)} = ${next}, ${quote(column.keyIdColumn)} = ${deps.keyRing.activeKeyId}
      WHERE ${quote(column.idColumn)} = ${current.id} AND ${quote(column.ciphertextColumn)} = ${current.ciphertext}`;
    if (written === 1) return 'rotated';
    if (attempt >= MAX_ATTEMPTS) return 'skipped';
    // Lost the race: whoever wrote meanwhile wins. Only if they wrote under an old key too is
    // there still something to do.
    current = await readRow(deps, column, current.id);
  }
  return 'skipped';
}

async function countStale(deps: RotationDeps, column: EncryptedColumn): Promise<number> {
  const [row] = await deps.prisma.$queryRaw<{ count: bigint | number }[]>`
    SELECT count(*) AS "count" FROM ${quote(column.table)} WHERE ${staleCondition(column, deps.keyRing.activeKeyId)}`;
  return Number(row?.count ?? 0);
}

/**
 * Re-encrypts every secret at rest under the ring's active key, online: batches of stale rows,
 * one short UPDATE per row, no transaction or table lock. Resumable by construction, as it only
 * ever picks rows not yet under the active key; `maxRows` bounds one run (all tables together).
 * A row the ring cannot decrypt is reported by id and skipped; it does not stop the others.
 */
export async function rotateEncryption(
  deps: RotationDeps,
  options: RotationOptions = {},
  columns: readonly EncryptedColumn[] = ENCRYPTED_COLUMNS,
): Promise<RotationReport> {
  const { batchSize, maxRows } = parseInput(optionsSchema, options, 'rotation options');
  const activeKeyId = deps.keyRing.activeKeyId;
  let budget = maxRows ?? Number.POSITIVE_INFINITY;
  const tables: TableRotation[] = [];

  for (const column of columns) {
    const result: TableRotation = { table: column.table, rotated: 0, skipped: 0, failed: 0, failedIds: [], remaining: 0 };
    let afterId = '';
    while (budget > 0) {
      const batch = await readBatch(deps, column, afterId, Math.min(batchSize, budget));
      for (const row of batch) {
        const outcome = await rotateRow(deps, column, row);
        if (outcome === 'rotated' || outcome === 'skipped') {
          result[outcome]++;
        } else {
          result.failed++;
          if (result.failedIds.length < MAX_REPORTED_IDS) result.failedIds.push(row.id);
          deps.logger.warn({ table: column.table, id: row.id, reason: outcome.failed }, 'cannot re-encrypt a row; left as it is');
        }
      }
      budget -= batch.length;
      if (batch.length < batchSize) break;
      afterId = batch.at(-1)!.id;
    }
    result.remaining = await countStale(deps, column);
    tables.push(result);
  }

  const complete = tables.every((t) => t.remaining === 0);
  deps.logger.info(
    { activeKeyId, complete, tables: tables.map(({ failedIds: _ids, ...counts }) => counts) },
    'key rotation run finished',
  );
  return { activeKeyId, tables, complete };
}

/**
 * The key ring is server-wide while API keys belong to one project: only the default project's
 * keys (the operator's) may re-encrypt every tenant's secrets.
 */
export async function assertMayRotateKeys(prisma: PrismaClient, projectId: string): Promise<void> {
  const project = await prisma.project.findUnique({ where: { id: projectId }, select: { isDefault: true } });
  if (!project?.isDefault) {
    throw new DomainError('FORBIDDEN', "Key rotation is server-wide: it needs an API key of the server's default project.");
  }
}
