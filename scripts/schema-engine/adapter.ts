// The driver adapter factory handed to the WASM engine: @prisma/adapter-pg for the main database,
// plus the shadow database that `migrate dev` (and diffs from a migrations directory) replay the
// migration history into. Also works around two gaps of adapter-pg 7.10 as a *migration* driver
// (it was written for queries of Prisma Client), see CatalogClient and executeScript below.
import { randomUUID } from 'node:crypto';

import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';

import { parsePgUrl, quoteIdent, withDatabase } from './datasource.js';
import { EngineError } from './errors.js';
import { log } from './log.js';
import { withClient } from './pg-admin.js';

const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Why not `PrismaPg.connectToShadowDb()` as is: it derives the temporary database's pool config
 * with `{ ...config, database }`, which a `connectionString` silently overrides, and it drops the
 * `schema` option. This factory builds both connections from URLs, so the database name and the
 * `?schema=` of the datasource URL apply to the shadow database too.
 */
export class PgMigrationAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres';
  readonly adapterName = '@prisma/adapter-pg';

  /** Temporary shadow databases not dropped yet, so that shutdown can still drop them. */
  private readonly temporaryDatabases = new Set<string>();

  constructor(
    private readonly url: string,
    private readonly shadowDatabaseUrl?: string,
  ) {}

  connect(): Promise<SqlDriverAdapter> {
    return connectPg(this.url);
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    return this.shadowDatabaseUrl ? this.connectToConfiguredShadowDb(this.shadowDatabaseUrl) : this.connectToTemporaryShadowDb();
  }

  /** Drops temporary shadow databases left behind (e.g. the engine was stopped mid-request). */
  async dropLeftovers(): Promise<void> {
    await Promise.allSettled([...this.temporaryDatabases].map((name) => this.dropTemporary(name)));
  }

  // Like the native engine with `shadowDatabaseUrl`: refuse the main database, then empty the
  // configured one, since the engine expects to replay the whole history into an empty schema.
  private async connectToConfiguredShadowDb(shadowUrl: string): Promise<SqlDriverAdapter> {
    const main = parsePgUrl(this.url);
    const shadow = parsePgUrl(shadowUrl);
    if (main.address === shadow.address && main.database === shadow.database && main.schema === shadow.schema) {
      throw new EngineError(
        'The shadow database you configured appears to be the same as the main database. Please specify another shadow database.',
        'P3014',
      );
    }
    await withClient(shadowUrl, (client) =>
      client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(shadow.schema)} CASCADE; CREATE SCHEMA ${quoteIdent(shadow.schema)}`),
    );
    return connectPg(shadowUrl);
  }

  // Like the native engine without `shadowDatabaseUrl`: a throwaway database on the main server,
  // dropped when the engine disposes of the shadow connection.
  private async connectToTemporaryShadowDb(): Promise<SqlDriverAdapter> {
    const name = `prisma_migrate_shadow_db_${randomUUID()}`;
    log('INFO', `Creating the temporary shadow database ${name}`);
    await withClient(this.url, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}`));
    this.temporaryDatabases.add(name);
    return connectPg(withDatabase(this.url, name), () => this.dropTemporary(name));
  }

  private async dropTemporary(name: string): Promise<void> {
    try {
      await withClient(this.url, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`));
      this.temporaryDatabases.delete(name);
    } catch (error) {
      log('WARN', `Could not drop the temporary shadow database ${name}: ${(error as Error).message}`);
    }
  }
}

// PostgreSQL's internal one-byte `"char"` type (OID 18), found in pg_catalog columns such as
// pg_class.relkind and pg_constraint.contype, which the engine reads to describe a schema.
// adapter-pg rejects columns of that type ("Column type 'char' could not be deserialized"), but
// pg already hands its values over as strings, so they can be declared `text` (OID 25).
const REPORTED_AS_TEXT = new Set([18]);
const TEXT_OID = 25;

/** A pg client whose results declare `"char"` columns as `text`, for adapter-pg's sake. */
class CatalogClient extends pg.Client {
  // pg's `query` has many overloads (promise, callback, submittable); this forwards them all and
  // adjusts the results of the promise and callback forms, the only ones adapter-pg and pg-pool use.
  override query(...args: unknown[]): never {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (error: unknown, result: unknown) => callback(error, error ? result : relabelColumns(result));
    }
    const returned = (super.query as (...a: unknown[]) => unknown)(...args);
    return (returned instanceof Promise ? returned.then(relabelColumns) : returned) as never;
  }
}

function relabelColumns(result: unknown): unknown {
  // A script of several statements yields one result per statement.
  for (const one of Array.isArray(result) ? result : [result]) {
    for (const field of (one as Partial<pg.QueryResult> | undefined)?.fields ?? []) {
      if (REPORTED_AS_TEXT.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

async function connectPg(url: string, afterDispose?: () => Promise<void>): Promise<SqlDriverAdapter> {
  const pool = new pg.Pool({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    Client: CatalogClient as unknown as new () => pg.ClientBase,
  });
  const factory = new PrismaPg(pool, {
    schema: parsePgUrl(url).schema,
    disposeExternalPool: true,
    onPoolError: (error) => log('WARN', `PostgreSQL pool error: ${error.message}`),
  });
  return wrapAdapter(await factory.connect(), afterDispose);
}

/**
 * Delegates to `adapter`, except:
 * - executeScript: adapter-pg splits scripts on every `;` and runs the pieces one by one, which
 *   breaks migrations with a `;` inside a string, a comment or a function body. A query without
 *   parameters goes through PostgreSQL's simple query protocol, which runs a whole script, like
 *   the native engine does; executeRaw is that, with adapter-pg's error mapping.
 * - dispose: runs `afterDispose` once the connections are closed.
 */
function wrapAdapter(adapter: SqlDriverAdapter, afterDispose?: () => Promise<void>): SqlDriverAdapter {
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => adapter.queryRaw(query),
    executeRaw: (query) => adapter.executeRaw(query),
    executeScript: async (script) => {
      await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
    },
    startTransaction: (isolationLevel) => adapter.startTransaction(isolationLevel),
    getConnectionInfo: () => adapter.getConnectionInfo?.() ?? { supportsRelationJoins: true },
    dispose: async () => {
      try {
        await adapter.dispose();
      } finally {
        await afterDispose?.();
      }
    },
  };
}
