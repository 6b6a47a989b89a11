// Server-level operations done with plain `pg`, outside the WASM engine: the `cli` subcommands
// (can-connect-to-database, create-database, drop-database), the `createDatabase` request, and
// explaining why the WASM engine could not start. Errors get the codes and wording the native
// engine uses, because the CLI branches on them (P1003 makes `migrate dev` create the database).
import pg from 'pg';

import { type PgTarget, parsePgUrl, quoteIdent, withDatabase } from './datasource.js';
import { EngineError } from './errors.js';

// The native engine gives up connecting after 5 s too.
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Runs `use` on a fresh connection; errors come out as native-style EngineErrors, worded for
 * `explainAs` (the database the user asked about) when that is not the one connected to.
 */
export async function withClient<T>(
  url: string,
  use: (client: pg.Client) => Promise<T>,
  explainAs: PgTarget = parsePgUrl(url),
): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // Without a listener, an error on an idle connection would crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
    return await use(client);
  } catch (error) {
    throw explainPgError(error, explainAs);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function canConnect(url: string): Promise<void> {
  await withClient(url, async (client) => {
    await client.query('SELECT 1');
  });
}

/** CREATE DATABASE for the URL's database, issued from a maintenance database on that server. */
export async function createDatabase(url: string): Promise<string> {
  const { database } = parsePgUrl(url);
  await onMaintenanceDatabase(url, (client) => client.query(`CREATE DATABASE ${quoteIdent(database)}`));
  return database;
}

export async function dropDatabase(url: string): Promise<void> {
  const { database } = parsePgUrl(url);
  await onMaintenanceDatabase(url, (client) => client.query(`DROP DATABASE ${quoteIdent(database)}`));
}

// Like the native engine: `postgres`, or `template1` where `postgres` is missing or forbidden.
async function onMaintenanceDatabase(url: string, run: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const target = parsePgUrl(url);
  try {
    await withClient(withDatabase(url, 'postgres'), run, target);
  } catch (error) {
    // Only these two codes can come from connecting to `postgres` rather than from `run`.
    if (error instanceof EngineError && (error.errorCode === 'P1003' || error.errorCode === 'P1010')) {
      await withClient(withDatabase(url, 'template1'), run, target);
    } else {
      throw error;
    }
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

/** Maps a `pg` / socket error to the native engine's error for the same situation. */
export function explainPgError(error: unknown, target: PgTarget): EngineError {
  if (error instanceof EngineError) return error;
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const { address, host, user, database } = target;
  if (code && UNREACHABLE.has(code)) {
    return new EngineError(
      `Can't reach database server at \`${address}\`\n\nPlease make sure your database server is running at \`${address}\`.`,
      'P1001',
    );
  }
  if (code === 'ETIMEDOUT' || /timeout/i.test(message)) {
    return new EngineError(
      `The database server at \`${address}\` was reached but timed out.\n\nPlease try again.\n\nPlease make sure your database server is running at \`${address}\`.`,
      'P1002',
    );
  }
  switch (code) {
    case '3D000':
      return new EngineError(`Database \`${database}\` does not exist on the database server at \`${address}\`.`, 'P1003');
    case '28P01':
    case '28000':
      return new EngineError(
        `Authentication failed against database server at \`${host}\`, the provided database credentials for \`${user}\` are not valid.\n\nPlease make sure to provide valid database credentials for the database server at \`${host}\`.`,
        'P1000',
      );
    case '42501':
      return new EngineError(`User \`${user}\` was denied access on the database \`${database}\``, 'P1010');
    case '42P04':
      return new EngineError(`Database \`${database}\` already exists on the database server at \`${address}\``, 'P1009');
    default:
      return new EngineError(message);
  }
}

// Connecting to `localhost` tries IPv6 and IPv4; Node then reports an AggregateError whose
// members carry the socket error codes.
function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const innerCode = errorCode(inner);
      if (innerCode) return innerCode;
    }
  }
  return undefined;
}
