import { buildApp, type AppOptions, type StartedApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { TestDatabase } from './databases.js';

export const TEST_ADMIN_KEY = 'csk_test_admin_key_0123456789abcdefghijklmnop';
/** A fixed key ring, so several test instances on one database decrypt each other's rows. */
export const TEST_ENCRYPTION_KEYS = `test1:${Buffer.alloc(32, 7).toString('base64')}`;

export interface GraphQLResponse<Data = Record<string, any>> {
  data?: Data | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
}

export interface TestApp extends StartedApp {
  url: string;
  /** POSTs an operation to /graphql with the admin key (or the given key; null for none). */
  gql<Data = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    key?: string | null,
  ): Promise<GraphQLResponse<Data>>;
  stop(): Promise<void>;
}

/**
 * Lets test apps reach what the tests run on loopback (oidc-provider, webhook receivers), as an
 * operator would allow an internal identity provider. Tests of the refusal pass `''` instead.
 */
export const TEST_EGRESS_ALLOW_PRIVATE = '127.0.0.0/8';

/** Starts the real app on an ephemeral loopback port against the given database. */
export async function startTestApp(
  db: TestDatabase,
  env: Record<string, string> = {},
  options: Omit<AppOptions, 'database'> = {},
): Promise<TestApp> {
  const config = loadConfig({
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    EGRESS_ALLOW_PRIVATE: TEST_EGRESS_ALLOW_PRIVATE,
    ...env,
  });
  const app = buildApp(config, { ...options, database: db.target });
  const started = await app.start(0);
  const url = `http://127.0.0.1:${started.port}`;
  return {
    ...started,
    url,
    stop: () => app.stop(),
    gql: graphqlCaller(url),
  };
}

/** POSTs operations to the server at `url`, with the admin key unless told otherwise. */
export function graphqlCaller(url: string): TestApp['gql'] {
  return async (query, variables, key = TEST_ADMIN_KEY) => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse<any>;
  };
}
