// Serves the native engine's JSON-RPC methods with the WASM engine.
//
// Method names and params are the same on both sides (the CLI sends what the native engine's
// serde types expect, and the WASM engine uses the same types), so most requests pass through.
// The differences handled here:
// - The WASM engine connects when it is created; the native one connects on demand. The engine is
//   therefore created on the first request, and a failure to connect becomes that request's error
//   (with the native P1001/P1003/… code) instead of a silent exit.
// - `diff` returns its script in `stdout`; the native engine sends it to the CLI in a `print`
//   request instead, and returns the rest.
// - `getDatabaseVersion` is `version` in WASM; `createDatabase` is not in WASM at all.
// - evaluateDataLoss / createMigration may need a cache that only diagnosing fills (see handle).
// - Errors raised in JS inside the adapter come back as registry ids (see resolveExternalError).
import { type ErrorRegistry, bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';

import { PgMigrationAdapterFactory } from './adapter.js';
import { type Datasource, parsePgUrl, withDatabase } from './datasource.js';
import { EngineError, PanicError } from './errors.js';
import { forwardEngineLog, log } from './log.js';
import { canConnect, createDatabase, explainPgError } from './pg-admin.js';
import { type SchemaEngine, loadWasmEngine, panicMessageOf } from './wasm.js';

/** SchemaEngine methods the CLI may call by the same name. */
const PASS_THROUGH = new Set([
  'applyMigrations',
  'createMigration',
  'dbExecute',
  'debugPanic',
  'devDiagnostic',
  'diagnoseMigrationHistory',
  'diff',
  'ensureConnectionValidity',
  'evaluateDataLoss',
  'introspect',
  'introspectSql',
  'markMigrationApplied',
  'markMigrationRolledBack',
  'reset',
  'schemaPush',
]);

const RENAMED: Record<string, string> = { getDatabaseVersion: 'version' };

export class MethodNotFoundError extends Error {}

export interface HostOptions {
  datasource?: Datasource;
  /** `[path, content]` of each `--datamodels` file; undefined (never empty) when none were given. */
  datamodels?: [string, string][];
}

export type Print = (content: string) => Promise<void>;

interface LiveEngine {
  engine: SchemaEngine;
  factory: PgMigrationAdapterFactory;
  errorRegistry: ErrorRegistry;
}

export class EngineHost {
  private main?: Promise<LiveEngine>;
  private scratch?: Promise<LiveEngine>;
  /** Set once the WASM instance panicked: its state is then undefined, so it is not reused. */
  private crashed?: string;

  constructor(private readonly options: HostOptions) {}

  async handle(method: string, params: unknown, print: Print): Promise<unknown> {
    if (method === 'createDatabase') return { databaseName: await createDatabase(this.requireUrl()) };
    const wasmMethod = Object.hasOwn(RENAMED, method) ? RENAMED[method]! : method;
    if (!PASS_THROUGH.has(wasmMethod) && wasmMethod === method) {
      throw new MethodNotFoundError(`Method not found: ${method}`);
    }
    if (this.crashed) throw new PanicError(`The schema engine panicked earlier in this session: ${this.crashed}`);

    const live = await this.engineFor(method, params);
    let result: unknown;
    try {
      try {
        result = await this.call(live, wasmMethod, params);
      } catch (error) {
        if (!needsMigrationSchemaCache(method, error)) throw error;
        // The WASM engine computes the schema of a migration history on a shadow database from the
        // adapter factory only in devDiagnostic / diagnoseMigrationHistory, and caches it by
        // migration list. evaluateDataLoss and createMigration only read that cache, and fall back
        // on a code path that cannot work in WASM ("PostgreSQL shadow DB must be provided through
        // an external factory"). It misses whenever the database was behind at devDiagnostic time
        // (e.g. `migrate dev` on a fresh database): devDiagnostic then cached the *applied* part of
        // the history only. Diagnosing again with the same list fills the cache; then retry.
        const { migrationsList, filters } = params as { migrationsList: unknown; filters: unknown };
        log('INFO', `${method}: computing the migration history's schema on a shadow database first`);
        await this.call(live, 'diagnoseMigrationHistory', { migrationsList, filters, optInToShadowDatabase: true });
        try {
          result = await this.call(live, wasmMethod, params);
        } catch (retryError) {
          if (!needsMigrationSchemaCache(method, retryError)) throw retryError;
          // Diagnosing caches the applied part of the history only.
          throw new EngineError(
            `${method} needs every migration of the migrations directory to be applied to the database first ` +
              '(a limitation of the offline WASM schema engine; `prisma migrate dev` and `prisma migrate deploy` apply them).',
          );
        }
      }
    } catch (error) {
      const panic = panicMessageOf(error);
      if (panic !== undefined) {
        this.crashed = panic;
        throw new PanicError(panic);
      }
      throw resolveExternalError(error, live.errorRegistry);
    }

    if (method === 'diff' && result && typeof result === 'object' && 'stdout' in result) {
      const { stdout, ...rest } = result as { stdout: string | null };
      if (stdout !== null) await print(stdout);
      return rest;
    }
    // Methods with no output resolve to undefined in WASM; the native engine answers `{}`, and
    // the CLI rejects a response without `result`.
    return result === undefined ? {} : result;
  }

  private async call({ engine }: LiveEngine, method: string, params: unknown): Promise<unknown> {
    // Called on the instance: the generated methods read `this.__wbg_ptr`.
    const fn = (engine as unknown as Record<string, (input: unknown) => unknown>)[method];
    return fn!.call(engine, params);
  }

  /** Frees the engines and drops temporary shadow databases they left behind. */
  async close(): Promise<void> {
    for (const pending of [this.main, this.scratch]) {
      const live = await pending?.catch(() => undefined);
      if (!live) continue;
      await live.factory.dropLeftovers();
      if (!this.crashed) live.engine.free();
    }
  }

  private async engineFor(method: string, params: unknown): Promise<LiveEngine> {
    this.main ??= this.start(this.requireUrl(), this.options.datasource?.shadowDatabaseUrl);
    try {
      return await this.main;
    } catch (error) {
      // `migrate diff` between schema files and/or empty never reads the database, and the native
      // engine would not even connect. The WASM engine needs a connection to start, so when the
      // configured database does not exist yet, such a diff runs on the server's `postgres`
      // database instead (read-only: it is only connected to).
      if (error instanceof EngineError && error.errorCode === 'P1003' && isOfflineDiff(method, params)) {
        log('INFO', 'The configured database does not exist; diffing on the `postgres` database of the same server.');
        this.scratch ??= this.start(withDatabase(this.requireUrl(), 'postgres'));
        return this.scratch;
      }
      throw error;
    }
  }

  private async start(url: string, shadowDatabaseUrl?: string): Promise<LiveEngine> {
    const wasm = loadWasmEngine();
    const factory = new PgMigrationAdapterFactory(url, shadowDatabaseUrl);
    const bound = bindMigrationAwareSqlAdapterFactory(factory);
    try {
      const engine = await wasm.SchemaEngine.new({ datamodels: this.options.datamodels }, forwardEngineLog, bound);
      return { engine, factory, errorRegistry: bound.errorRegistry };
    } catch (error) {
      throw await explainStartFailure(error, url);
    }
  }

  private requireUrl(): string {
    const url = this.options.datasource?.url;
    if (!url) {
      throw new EngineError(
        'No database URL: set `datasource.url` in prisma.config.ts. The offline schema engine needs a reachable PostgreSQL server for every command.',
      );
    }
    return url;
  }
}

/**
 * A JS error thrown inside the adapter (including our own EngineErrors, e.g. P3014 from the shadow
 * database) reaches the WASM engine as an id in the adapter's error registry, and comes back as
 * `… External error id#N`. Put the original message (and Prisma code) back.
 */
function resolveExternalError(error: unknown, registry: ErrorRegistry): unknown {
  const message = error instanceof Error ? error.message : String(error);
  const match = /External error id#(\d+)/.exec(message);
  const original = match ? registry.consumeError(Number(match[1]))?.error : undefined;
  if (original === undefined) return error;
  if (original instanceof EngineError) {
    return new EngineError(`${message.slice(0, match!.index).trim()}\n${original.message}`.trim(), original.errorCode);
  }
  const detail = original instanceof Error ? original.message : String(original);
  const code = (error as { code?: unknown }).code;
  return new EngineError(message.replace(match![0], detail), typeof code === 'string' ? code : undefined);
}

function needsMigrationSchemaCache(method: string, error: unknown): boolean {
  return (
    (method === 'evaluateDataLoss' || method === 'createMigration') &&
    error instanceof Error &&
    error.message.includes('shadow DB must be provided through an external factory')
  );
}

/** Both sides of the diff are schema files or empty: the database's content plays no part. */
function isOfflineDiff(method: string, params: unknown): boolean {
  if (method !== 'diff' || typeof params !== 'object' || params === null) return false;
  const { from, to } = params as { from?: { tag?: unknown }; to?: { tag?: unknown } };
  return [from?.tag, to?.tag].every((tag) => tag === 'empty' || tag === 'schemaDatamodel');
}

// The WASM engine reports a failed start as a plain Error without a Prisma code. The CLI needs the
// code (P1003 makes `migrate dev` offer to create the database), so ask `pg` what went wrong.
async function explainStartFailure(error: unknown, url: string): Promise<Error> {
  const panic = panicMessageOf(error);
  if (panic !== undefined) return new PanicError(panic);
  try {
    await canConnect(url);
  } catch (reason) {
    return reason instanceof EngineError ? reason : explainPgError(reason, parsePgUrl(url));
  }
  return error instanceof Error ? error : new EngineError(String(error));
}
