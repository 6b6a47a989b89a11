import { expect } from 'vitest';
import type { TestApp } from './app.js';
import { Browser } from './browser.js';
import { authorizeLink, rawId, startSession } from './connect.js';
import { clickConnect } from './oauth-flow.js';

export const ISSUE_ACCESS_TOKEN = /* GraphQL */ `
  mutation Issue($id: ID!) {
    issueAccessToken(input: { connectedAccountId: $id }) { accessToken tokenType expiresAt scopes fields { name value } }
  }
`;

/** Connects `userId` to the OAuth toolkit `slug` through the whole hosted flow; returns the account's ids. */
export async function connectOAuthAccount(app: TestApp, userId: string, slug = 'acme') {
  const { session, clientToken } = await startSession(app, userId, [slug]);
  const { connectLink, connectedAccount } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: slug });
  const browser = new Browser();
  await browser.navigate(await clickConnect(browser, connectLink.url));
  const row = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: rawId(connectedAccount.id) } });
  expect(row.status).toBe('ACTIVE');
  return { globalId: connectedAccount.id, id: row.id, session, clientToken, browser };
}

/** Makes the account due for refresh now, as if its refresh time had come. */
export async function makeDue(app: TestApp, id: string) {
  await app.database.prisma.connectedAccount.update({ where: { id }, data: { nextRefreshAt: new Date(Date.now() - 1000) } });
}

export function storedCredentials(app: TestApp, row: { id: string; encryptedCredentials: string | null }) {
  return app.deps.keyRing.decryptJson<Record<string, string>>(row.encryptedCredentials!, row.id);
}
