import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectOAuthAccount, ISSUE_ACCESS_TOKEN, makeDue } from './support/accounts.js';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { authorizeLink, rawId, startSession } from './support/connect.js';
import { createPGliteDatabase } from './support/databases.js';
import type { OAuthProvider } from './support/oauth-provider.js';
import { clickConnect, setUpOAuthToolkit } from './support/oauth-flow.js';

describe('client authentication at the token endpoint', () => {
  let app: TestApp;
  let basicOnly: OAuthProvider;
  let alsoBasicOnly: OAuthProvider;

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase());
    // Two providers that refuse client_secret_post; only one toolkit says so.
    ({ provider: basicOnly } = await setUpOAuthToolkit(app, { clientAuth: 'client_secret_basic' }, 'basic-crm', {
      tokenAuthMethod: 'CLIENT_SECRET_BASIC',
    }));
    ({ provider: alsoBasicOnly } = await setUpOAuthToolkit(app, { clientAuth: 'client_secret_basic' }, 'post-crm'));
  });
  afterAll(async () => {
    await app?.stop();
    await basicOnly?.close();
    await alsoBasicOnly?.close();
  });

  it('uses HTTP Basic for the code exchange, refresh and revocation when the toolkit says so', async () => {
    const account = await connectOAuthAccount(app, 'u_basic', 'basic-crm');
    expect(basicOnly.tokenRequests()).toMatchObject({ authorization_code: 1 });

    await makeDue(app, account.id);
    const issued = await app.gql(ISSUE_ACCESS_TOKEN, { id: account.globalId });
    expect(issued.errors).toBeUndefined();
    expect(basicOnly.tokenRequests()).toMatchObject({ refresh_token: 1 });

    const revoked = await app.gql(`mutation($id: ID!) { revokeConnectedAccount(input: { id: $id }) { providerRevoked } }`, {
      id: account.globalId,
    });
    expect(revoked.data!.revokeConnectedAccount.providerRevoked).toBe(true);
  });

  it('fails the flow when the toolkit posts its secret to a provider that insists on Basic', async () => {
    const { session, clientToken } = await startSession(app, 'u_post', ['post-crm']);
    const { connectLink, connectedAccount } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'post-crm' });
    const browser = new Browser();
    await browser.navigate(await clickConnect(browser, connectLink.url));
    const row = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: rawId(connectedAccount.id) } });
    expect(row).toMatchObject({ status: 'FAILED', statusReason: 'invalid_client' });
  });

  it('knows which catalog providers need Basic: those grant exchanges codes with it', async () => {
    const result = await app.gql(`{
      reddit: toolkit(slug: "reddit") { oauth { tokenAuthMethod } }
      fitbit: toolkit(slug: "fitbit") { oauth { tokenAuthMethod } }
      github: toolkit(slug: "github") { oauth { tokenAuthMethod } }
    }`);
    expect(result.data).toEqual({
      reddit: { oauth: { tokenAuthMethod: 'CLIENT_SECRET_BASIC' } },
      fitbit: { oauth: { tokenAuthMethod: 'CLIENT_SECRET_BASIC' } },
      github: { oauth: { tokenAuthMethod: 'CLIENT_SECRET_POST' } },
    });
  });
});
