import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { rawId, startSession } from './support/connect.js';
import { createPGliteDatabase } from './support/databases.js';
import { ensure, submitApiKeyForm } from './support/ensure.js';

const code = (result: { errors?: { extensions?: Record<string, any> }[] }) => result.errors?.[0]?.extensions?.code;

const DISABLE = `mutation($id: ID!) { disableConnectedAccount(input: { id: $id }) { connectedAccount { id status } } }`;
const ENABLE = `mutation($id: ID!) { enableConnectedAccount(input: { id: $id }) { connectedAccount { id status } } }`;
const REVOKE = `mutation($id: ID!) { revokeConnectedAccount(input: { id: $id }) { connectedAccount { id status } } }`;
const DELETE = `mutation($id: ID!) { deleteConnectedAccount(input: { id: $id }) { deletedConnectedAccountId } }`;
const UPDATE_SESSION = /* GraphQL */ `
  mutation($input: UpdateSessionInput!) { updateSession(input: $input) { session { id allowedToolkits expiresAt displayName } } }
`;

describe('managing connections from the chat', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase());
  });
  afterAll(() => app?.stop());

  async function connected(userId: string) {
    const { session, clientToken } = await startSession(app, userId, ['openai']);
    const started = await ensure(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
    await submitApiKeyForm(started.connectLink!.url);
    return { session, clientToken, accountId: started.connectedAccount.id };
  }

  it("lets a session client token disable, enable, revoke and delete its own user's account", async () => {
    const { clientToken, accountId } = await connected('u_self');
    const disabled = await app.gql(DISABLE, { id: accountId }, clientToken);
    expect(disabled.data!.disableConnectedAccount.connectedAccount).toEqual({ id: accountId, status: 'INACTIVE' });
    const enabled = await app.gql(ENABLE, { id: accountId }, clientToken);
    expect(enabled.data!.enableConnectedAccount.connectedAccount).toEqual({ id: accountId, status: 'ACTIVE' });
    const revoked = await app.gql(REVOKE, { id: accountId }, clientToken);
    expect(revoked.data!.revokeConnectedAccount.connectedAccount).toEqual({ id: accountId, status: 'REVOKED' });
    const deleted = await app.gql(DELETE, { id: accountId }, clientToken);
    expect(deleted.data!.deleteConnectedAccount.deletedConnectedAccountId).toBe(accountId);
    expect(await app.database.prisma.connectedAccount.count({ where: { id: rawId(accountId) } })).toBe(0);
  });

  it("refuses another user's account to a session client token, and leaves it as it was", async () => {
    const victim = await connected('u_victim');
    const { clientToken } = await startSession(app, 'u_attacker', ['openai']);
    for (const mutation of [DISABLE, ENABLE, REVOKE, DELETE]) {
      expect(code(await app.gql(mutation, { id: victim.accountId }, clientToken))).toBe('NOT_FOUND');
    }
    const row = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: rawId(victim.accountId) } });
    expect(row.status).toBe('ACTIVE');
  });

  it('updates what a session may connect and how long it lives; API key only', async () => {
    const { session, clientToken } = await startSession(app, 'u_update', ['openai']);
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const updated = await app.gql(UPDATE_SESSION, { input: { id: session.id, toolkits: ['openai', 'anthropic'], expiresAt, displayName: 'Ada' } });
    expect(updated.data!.updateSession.session).toEqual({
      id: session.id,
      allowedToolkits: ['openai', 'anthropic'],
      expiresAt,
      displayName: 'Ada',
    });
    expect((await ensure(app, clientToken, { sessionId: session.id, toolkit: 'anthropic' })).status).toBe('INITIATED');

    expect(code(await app.gql(UPDATE_SESSION, { input: { id: session.id, expiresAt: null } }, clientToken))).toBe('FORBIDDEN');
    const past = await app.gql(UPDATE_SESSION, { input: { id: session.id, expiresAt: new Date(Date.now() - 1000).toISOString() } });
    expect(code(past)).toBe('BAD_USER_INPUT');
    expect(code(await app.gql(UPDATE_SESSION, { input: { id: session.id, toolkits: ['no-such-toolkit'] } }))).toBe('NOT_FOUND');

    // Narrowing the toolkits takes effect at once.
    await app.gql(UPDATE_SESSION, { input: { id: session.id, toolkits: ['openai'] } });
    const refused = await app.gql(
      `mutation($input: EnsureConnectionInput!) { ensureConnection(input: $input) { status } }`,
      { input: { sessionId: session.id, toolkit: 'anthropic' } },
      clientToken,
    );
    expect(code(refused)).toBe('FORBIDDEN');
  });

  it("shows the session's display name on the hosted page, never the raw userId; the userId only without one", async () => {
    const named = await app.gql(
      `mutation { createSession(input: { userId: "crm-4711", displayName: "Ada Lovelace", toolkits: ["openai"] }) { session { id displayName } clientToken } }`,
    );
    const { session, clientToken } = named.data!.createSession;
    expect(session.displayName).toBe('Ada Lovelace');
    const link = await ensure(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
    const page = await (await new Browser().request(link.connectLink!.url)).text();
    expect(page).toContain('for Ada Lovelace');
    expect(page).not.toContain('crm-4711');

    const anonymous = await startSession(app, 'crm-4712', ['openai']);
    const other = await ensure(app, anonymous.clientToken, { sessionId: anonymous.session.id, toolkit: 'openai' });
    expect(await (await new Browser().request(other.connectLink!.url)).text()).toContain('for crm-4712');
  });
});
