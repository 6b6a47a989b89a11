import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './support/app.js';
import { AUTHORIZE, CALLBACK_ORIGIN, rawId, startSession } from './support/connect.js';
import { startTwoInstancesOnOwnRedis, type TwoInstances } from './support/two-instances.js';
import type { OwnRedis } from './support/redis.js';

// Every instance caches callers, sessions, projects, toolkits and auth configs. What one
// instance changes, the next request to another must see: tested across two instances and a
// Redis of the test's own, killed and restarted.

const CREATE_KEY = /* GraphQL */ `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id } } }`;
const REVOKE_KEY = /* GraphQL */ `mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id } } }`;
const REVOKE_SESSION = /* GraphQL */ `mutation($input: RevokeSessionInput!) { revokeSession(input: $input) { session { id } } }`;
const TOOLKIT = /* GraphQL */ `query($slug: String!) { toolkit(slug: $slug) { name isCustom } }`;
const CREATE_AUTH_CONFIG = /* GraphQL */ `
  mutation($input: CreateAuthConfigInput!) { createAuthConfig(input: $input) { authConfig { id } } }
`;

describe('read caches across instances', () => {
  let instances: TwoInstances;
  let redis: OwnRedis;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    // Entries live long enough that only an announced change can explain a fresh read.
    instances = await startTwoInstancesOnOwnRedis({ readCache: { ttlMs: 600_000 } });
    ({ a, b, redis } = instances);
  });
  afterAll(() => instances?.stop());

  async function newKey(name: string): Promise<{ key: string; id: string }> {
    const created = await a.gql(CREATE_KEY, { input: { name } });
    expect(created.errors).toBeUndefined();
    return { key: created.data!.createApiKey.key, id: created.data!.createApiKey.apiKey.id };
  }

  it('refuses a key revoked on another instance from the next request on', async () => {
    const { key, id } = await newKey('revoked elsewhere');
    expect((await b.gql(TOOLKIT, { slug: 'openai' }, key)).errors).toBeUndefined();
    expect((await b.gql(TOOLKIT, { slug: 'openai' }, key)).errors).toBeUndefined();
    expect((await a.gql(REVOKE_KEY, { input: { id } })).errors).toBeUndefined();
    const refused = await b.gql(TOOLKIT, { slug: 'openai' }, key);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a session revoked on another instance from the next request on', async () => {
    const { session, clientToken } = await startSession(a, 'u_cache_revoked', ['openai']);
    // Twice: the first may create the project's managed auth config, a change that empties the cache.
    for (let i = 0; i < 2; i++) {
      expect((await b.gql(AUTHORIZE, { input: { sessionId: session.id, toolkit: 'openai' } }, clientToken)).errors).toBeUndefined();
    }
    expect((await a.gql(REVOKE_SESSION, { input: { id: session.id } })).errors).toBeUndefined();
    const refused = await b.gql(AUTHORIZE, { input: { sessionId: session.id, toolkit: 'openai' } }, clientToken);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // The project's key, past authentication: authorize reads the session itself.
    const byKey = await b.gql(AUTHORIZE, { input: { sessionId: session.id, toolkit: 'openai' } });
    expect(byKey.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('uses a project change made on another instance at once', async () => {
    const { session } = await startSession(a, 'u_cache_origins', ['openai']);
    const input = { sessionId: session.id, toolkit: 'openai', callbackUrl: 'https://new-chat.example.com/done' };
    const before = await b.gql(AUTHORIZE, { input });
    expect(before.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const origins = [CALLBACK_ORIGIN, 'https://new-chat.example.com'];
    const updated = await a.gql(`mutation($o: [String!]) { updateProject(input: { allowedCallbackOrigins: $o }) { project { id } } }`, { o: origins });
    expect(updated.errors).toBeUndefined();
    expect((await b.gql(AUTHORIZE, { input })).errors).toBeUndefined();
  });

  it('uses an auth config created on another instance at once', async () => {
    const authorizeOnB = async (userId: string) => {
      const { session } = await startSession(a, userId, ['gemini']);
      const result = await b.gql(AUTHORIZE, { input: { sessionId: session.id, toolkit: 'gemini' } });
      expect(result.errors).toBeUndefined();
      const account = await b.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: rawId(result.data!.authorize.connectedAccount.id) } });
      return account.authConfigId;
    };
    // The first creates the managed config; the second finds it in B's cache.
    const managed = await authorizeOnB('u_cache_config_1');
    expect(await authorizeOnB('u_cache_config_2')).toBe(managed);
    const created = await a.gql(CREATE_AUTH_CONFIG, { input: { toolkit: 'gemini', name: 'Ours', isDefault: true } });
    expect(created.errors).toBeUndefined();
    expect(await authorizeOnB('u_cache_config_3')).toBe(rawId(created.data!.createAuthConfig.authConfig.id));
  });

  it('serves nothing from the cache while Redis is down, and starts afresh when it is back', async () => {
    const { key, id } = await newKey('revoked during an outage');
    expect((await b.gql(TOOLKIT, { slug: 'openai' }, key)).errors).toBeUndefined();
    await redis.kill();
    // A cannot announce it; B must read the database rather than trust what it holds.
    expect((await a.gql(REVOKE_KEY, { input: { id } })).errors).toBeUndefined();
    expect((await b.gql(TOOLKIT, { slug: 'openai' }, key)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await redis.restart();
    await expect.poll(() => b.deps.bus.configVersion().then(() => true, () => false), { timeout: 20_000 }).toBe(true);
    expect((await b.gql(TOOLKIT, { slug: 'openai' }, key)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
