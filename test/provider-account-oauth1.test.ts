import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { learnProviderAccount } from '../src/domain/connections/provider-account.js';
import { startTestApp, type TestApp } from './support/app.js';
import { createPGliteDatabase } from './support/databases.js';
import { verifyOAuth1 } from './support/oauth1-verify.js';
import { startProviderDouble, type ProviderDouble } from './support/provider-double.js';

// An OAuth 1 connection has no id_token: its catalog identity endpoint, called with a signed request, says who it is.
// Discogs stands in for them, answered by a double at its real address.

const CONSUMER = { clientId: 'discogs-consumer', clientSecret: 'discogs-consumer-secret' };
const TOKEN = { accessToken: 'discogs-token', accessSecret: 'discogs-token-secret' };

describe('provider identity of an OAuth 1 connection', () => {
  let app: TestApp;
  let double: ProviderDouble;

  beforeAll(async () => {
    double = await startProviderDouble((request) =>
      request.target === 'https://api.discogs.com/oauth/identity' ? { json: { id: 1234, username: 'crate-digger' } } : undefined,
    );
    app = await startTestApp(await createPGliteDatabase());
  });
  afterAll(async () => {
    await app?.stop();
    await double?.close();
  });

  it('asks the identity endpoint with a valid OAuth 1.0a signature', async () => {
    const created = await app.gql(`mutation($input: CreateAuthConfigInput!) { createAuthConfig(input: $input) { authConfig { id } } }`, {
      input: { toolkit: 'discogs', name: 'Discogs app', credentials: CONSUMER },
    });
    expect(created.errors).toBeUndefined();
    const prisma = app.database.prisma;
    const toolkit = await prisma.toolkit.findFirstOrThrow({ where: { slug: 'discogs', projectId: null } });
    const authConfig = await prisma.authConfig.findFirstOrThrow({ where: { toolkitId: toolkit.id, name: 'Discogs app' } });

    const account = await learnProviderAccount(
      { ...app.deps, egress: double.egress },
      { toolkit, authConfig, credentials: { scheme: 'OAUTH1', ...TOKEN }, fieldValues: {} },
    );
    expect(account).toEqual({ id: '1234', email: null, name: 'crate-digger' });

    const [request] = double.requests;
    expect(request?.target).toBe('https://api.discogs.com/oauth/identity');
    const check = verifyOAuth1(request!, { consumerSecret: CONSUMER.clientSecret, tokenSecret: TOKEN.accessSecret }, 'https');
    expect(check.oauth).toMatchObject({ oauth_consumer_key: CONSUMER.clientId, oauth_token: TOKEN.accessToken, oauth_signature_method: 'HMAC-SHA1' });
    expect(check.valid).toBe(true);
    // Nothing secret travels in the clear.
    expect(JSON.stringify(request)).not.toContain(CONSUMER.clientSecret);
    expect(JSON.stringify(request)).not.toContain(TOKEN.accessSecret);
  });
});
