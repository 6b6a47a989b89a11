// The `--datasource` argument and PostgreSQL connection URLs.
import { EngineError } from './errors.js';

/** What the CLI passes as `--datasource '<json>'`: the datasource of prisma.config.ts. */
export interface Datasource {
  url?: string;
  shadowDatabaseUrl?: string;
}

export function parseDatasourceArg(json: string): Datasource {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new EngineError('The --datasource argument is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null) {
    throw new EngineError('The --datasource argument must be a JSON object.');
  }
  const { url, shadowDatabaseUrl } = value as Record<string, unknown>;
  return {
    url: typeof url === 'string' && url !== '' ? url : undefined,
    shadowDatabaseUrl:
      typeof shadowDatabaseUrl === 'string' && shadowDatabaseUrl !== '' ? shadowDatabaseUrl : undefined,
  };
}

/** The parts of a connection URL used in messages and for choosing databases. */
export interface PgTarget {
  url: string;
  /** `host:port` as the native engine prints it. */
  address: string;
  host: string;
  user: string;
  database: string;
  /** The PostgreSQL schema Prisma manages (`?schema=`), `public` by default. */
  schema: string;
}

export function parsePgUrl(url: string): PgTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new EngineError('The provided database string is invalid. The URL could not be parsed.', 'P1013');
  }
  if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:') {
    // This engine drives the WASM schema engine through @prisma/adapter-pg only.
    throw new EngineError(
      `The offline schema engine only supports PostgreSQL URLs (postgresql://…), got \`${parsed.protocol}//…\`. ` +
        'Point PRISMA_SCHEMA_ENGINE_BINARY at a native schema engine for other databases.',
      'P1013',
    );
  }
  const host = decodeURIComponent(parsed.hostname) || 'localhost';
  const user = decodeURIComponent(parsed.username);
  // libpq (and pg) default the database name to the user name.
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || user || 'postgres';
  return {
    url,
    address: `${host}:${parsed.port || '5432'}`,
    host,
    user,
    database,
    schema: parsed.searchParams.get('schema') || 'public',
  };
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** Double-quotes an SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
