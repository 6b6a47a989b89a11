import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { authorizeLink, rawId, startSession } from './support/connect.js';
import { createPGliteDatabase } from './support/databases.js';
import type { OAuthProvider } from './support/oauth-provider.js';
import { clickConnect, setUpOAuthToolkit } from './support/oauth-flow.js';
import { CONNECTION_STATUS, subscribe, wsClient } from './support/ws.js';

const ACCOUNTS = /* GraphQL */ `
  query($userId: String!) {
    connectedAccounts(userId: $userId) { edges { node { id alias status providerAccount { id email name } } } }
  }
`;

describe('providerAccount: which account at the provider a connection is', () => {
  let app: TestApp;
  let provider: OAuthProvider;

  /** The whole hosted OAuth flow as `login` at the provider; returns the authorize answer and the final page. */
  async function connect(userId: string, login: string, alias?: string) {
    const { session, clientToken } = await startSession(app, userId, ['acme']);
    const authorized = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'acme', ...(alias ? { alias } : {}) });
    // The chat waits on the link: it must hear how the flow ended, whichever account it ended on.
    const status = subscribe(wsClient(app.port, clientToken), CONNECTION_STATUS, { connectLinkId: authorized.connectLink.id });
    expect((await status.next()).data.connectionStatus.status).toBe('INITIATED');
    const browser = new Browser();
    const done = await browser.navigate(await clickConnect(browser, authorized.connectLink.url), { login });
    expect(done.response!.status).toBe(200);
    const ended = (await status.next()).data.connectionStatus;
    await status.completed;
    await status.close();
    return { ...authorized, page: await done.response!.text(), ended };
  }

  async function accountsOf(userId: string) {
    const result = await app.gql(ACCOUNTS, { userId });
    expect(result.errors).toBeUndefined();
    return result.data!.connectedAccounts.edges.map((edge: { node: unknown }) => edge.node) as {
      id: string;
      alias: string | null;
      status: string;
      providerAccount: { id: string; email: string | null; name: string | null } | null;
    }[];
  }

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase());
    ({ provider } = await setUpOAuthToolkit(app));
  });
  afterAll(async () => {
    await app?.stop();
    await provider?.close();
  });

  it('learns it from the id_token and userinfo, shows it on the success page, and stores it encrypted', async () => {
    const { connectedAccount, page } = await connect('u_ada', 'ada');
    expect(page).toContain('data-testid="connect-success"');
    expect(page).toContain('Connected as ada@example.com.');
    const [account] = await accountsOf('u_ada');
    expect(account).toMatchObject({ id: connectedAccount.id, status: 'ACTIVE', providerAccount: { id: 'ada', email: 'ada@example.com', name: 'Ada' } });

    const row = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: rawId(connectedAccount.id) } });
    expect(row.encryptedProviderAccount).toBeTruthy();
    expect(row.encryptedProviderAccount).not.toContain('ada@example.com');
    expect(Buffer.from(row.encryptedProviderAccount!, 'base64').toString('latin1')).not.toContain('ada@example.com');
    expect(row.providerAccountKeyId).toBe(app.deps.keyRing.activeKeyId);
    expect(app.deps.keyRing.decryptJson(row.encryptedProviderAccount!, row.id)).toEqual({ id: 'ada', email: 'ada@example.com', name: 'Ada' });
  });

  it('reuses the account when the same user connects the same provider account again', async () => {
    const first = await connect('u_twice', 'grace');
    const second = await connect('u_twice', 'grace');
    const accounts = await accountsOf('u_twice');
    expect(accounts.map((account) => account.id)).toEqual([first.connectedAccount.id]);
    expect(accounts[0]!.status).toBe('ACTIVE');
    expect(second.ended).toMatchObject({ status: 'ACTIVE', connectedAccount: { id: first.connectedAccount.id, status: 'ACTIVE' } });

    // authorize re-authorized the user's account in place: the second flow never had an account of its own.
    expect(second.connectedAccount.id).toBe(first.connectedAccount.id);
    const link = await app.gql(`query($id: ID!) { node(id: $id) { ... on ConnectLink { status connectedAccount { id } } } }`, {
      id: second.connectLink.id,
    });
    expect(link.data!.node).toEqual({ status: 'COMPLETED', connectedAccount: { id: first.connectedAccount.id } });
  });

  it('keeps accounts apart for another provider account, or when a distinct alias was asked for', async () => {
    const grace = await connect('u_many', 'grace');
    const linus = await connect('u_many', 'linus');
    const work = await connect('u_many', 'grace', 'work');
    const accounts = await accountsOf('u_many');
    expect(new Set(accounts.map((account) => account.id))).toEqual(
      new Set([grace.connectedAccount.id, linus.connectedAccount.id, work.connectedAccount.id]),
    );
    expect(accounts.find((account) => account.id === linus.connectedAccount.id)!.providerAccount!.id).toBe('linus');
    expect(accounts.find((account) => account.id === work.connectedAccount.id)).toMatchObject({ alias: 'work', providerAccount: { id: 'grace' } });
  });

  it("never merges across users: another user's same provider account stays theirs", async () => {
    const mine = await connect('u_one', 'shared');
    const theirs = await connect('u_two', 'shared');
    expect(theirs.connectedAccount.id).not.toBe(mine.connectedAccount.id);
    expect((await accountsOf('u_one')).map((account) => account.id)).toEqual([mine.connectedAccount.id]);
    expect((await accountsOf('u_two')).map((account) => account.id)).toEqual([theirs.connectedAccount.id]);
  });
});
