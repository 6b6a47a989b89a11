import { describe, expect, it } from 'vitest';
import { loadConfig, managedAppKey } from '../src/config.js';

describe('configuration from the environment', () => {
  it('runs with no configuration at all', () => {
    expect(loadConfig({})).toEqual({
      port: 4000,
      host: '0.0.0.0',
      publicUrl: undefined,
      dataDir: './data',
      databaseUrl: undefined,
      redisUrl: undefined,
      adminApiKey: undefined,
      encryptionKeys: undefined,
      logLevel: 'info',
      corsOrigins: ['*'],
      hostedRateLimits: { linkPerMinute: 120, connectPerMinute: 120 },
      quotas: { authorizePerMinute: 30, subscriptionsPerSocket: 50, subscriptionsPerSession: 100 },
      graphiql: true,
      managedOAuthApps: new Map(),
      retention: { eventsDays: 30, webhookDeliveriesDays: 30, connectLinksDays: 7, sessionsDays: 30 },
      egressAllowPrivate: { cidrs: [], hosts: [] },
    });
  });

  it('serves GraphiQL unless GRAPHIQL=false, or unset with NODE_ENV=production', () => {
    expect(loadConfig({ GRAPHIQL: 'false' }).graphiql).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production' }).graphiql).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', GRAPHIQL: 'true' }).graphiql).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development', GRAPHIQL: '' }).graphiql).toBe(true);
  });

  it('reads operator OAuth apps per toolkit', () => {
    const config = loadConfig({ TOOLKIT_MY_CRM_CLIENT_ID: 'id', TOOLKIT_MY_CRM_CLIENT_SECRET: 's3cret' });
    expect(config.managedOAuthApps.get(managedAppKey('my-crm'))).toEqual({ clientId: 'id', clientSecret: 's3cret' });
    expect(() => loadConfig({ TOOLKIT_GITHUB_CLIENT_ID: 'id' })).toThrow(
      'Invalid environment variable TOOLKIT_GITHUB_CLIENT_SECRET: required with TOOLKIT_GITHUB_CLIENT_ID',
    );
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      PUBLIC_URL: 'https://connect.example.com/',
      DATA_DIR: '/var/lib/connect',
      DATABASE_URL: 'postgresql://app@db:5432/connect',
      REDIS_URL: 'redis://cache:6379',
      ADMIN_API_KEY: 'a-long-enough-admin-key-0123456789',
      LOG_LEVEL: 'warn',
      CORS_ORIGINS: 'https://chat.example.com, http://localhost:5173',
    });
    expect(config).toMatchObject({
      corsOrigins: ['https://chat.example.com', 'http://localhost:5173'],
      port: 8080,
      publicUrl: 'https://connect.example.com',
      databaseUrl: 'postgresql://app@db:5432/connect',
      redisUrl: 'redis://cache:6379',
      logLevel: 'warn',
    });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', REDIS_URL: ' ', ADMIN_API_KEY: '' })).toMatchObject({
      databaseUrl: undefined,
      redisUrl: undefined,
      adminApiKey: undefined,
    });
  });

  it.each([
    [{ PORT: 'eighty' }, 'Invalid environment variable PORT: must be a number'],
    [{ PORT: '70000' }, 'Invalid environment variable PORT:'],
    [{ DATABASE_URL: 'mysql://db/x' }, 'Invalid environment variable DATABASE_URL: must start with postgresql:// or postgres://'],
    [{ REDIS_URL: 'not a url' }, 'Invalid environment variable REDIS_URL:'],
    [{ PUBLIC_URL: 'ftp://x' }, 'Invalid environment variable PUBLIC_URL:'],
    [{ ADMIN_API_KEY: 'short' }, 'Invalid environment variable ADMIN_API_KEY: must be at least 24 characters long'],
    [{ LOG_LEVEL: 'loud' }, 'Invalid environment variable LOG_LEVEL: must be one of'],
    [{ CORS_ORIGINS: 'https://chat.example.com/app' }, 'Invalid environment variable CORS_ORIGINS: must be * or a comma-separated list'],
    [{ CORS_ORIGINS: ' , ' }, 'Invalid environment variable CORS_ORIGINS: must list at least one origin'],
    [{ GRAPHIQL: 'yes' }, 'Invalid environment variable GRAPHIQL: must be true or false'],
  ])('rejects %o with one clear line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as Error).message.split('\n')).toHaveLength(1);
    }
  });
});
