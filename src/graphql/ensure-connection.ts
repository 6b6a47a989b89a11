import { ensureConnection } from '../domain/connections/ensure-connection.js';
import { builder } from './builder.js';
import { ConnectLinkRef } from './connect-link.js';
import { ConnectedAccountRef, ConnectionStatusEnum } from './connected-account.js';
import { SessionRef } from './session.js';

builder.relayMutationField(
  'ensureConnection',
  {
    description: 'Input of ensureConnection.',
    inputFields: (t) => ({
      sessionId: t.globalID({ required: true, for: SessionRef, description: 'The session of the end user.' }),
      toolkit: t.string({ required: true, description: 'Slug of the toolkit the agent needs.' }),
      alias: t.string({ description: "Which of the user's accounts at the toolkit (default: the unnamed one)." }),
      callbackUrl: t.string({
        description: 'Where to send the browser afterwards (an allowed origin of the project); gets status and connected_account_id.',
      }),
    }),
  },
  {
    description:
      "Makes sure the session's user is connected to a toolkit: returns the ACTIVE account, or a Connect Link for the user's account (created once, re-authorized in place when EXPIRED, FAILED or INACTIVE). Calling again while the link is pending returns the same link. API key or session client token.",
    authScopes: { project: true, session: true },
    resolve: async (_root, { input }, ctx) =>
      ensureConnection(ctx.deps, ctx.principal, {
        sessionId: input.sessionId.id,
        toolkit: input.toolkit,
        alias: input.alias,
        callbackUrl: input.callbackUrl,
      }),
  },
  {
    description: 'Result of ensureConnection.',
    outputFields: (t) => ({
      status: t.field({
        type: ConnectionStatusEnum,
        description: 'ACTIVE: the account is usable now. INITIATED: show `message` (or `connectLink.url`) and wait with connectionStatus.',
        resolve: (p) => p.status,
      }),
      connectedAccount: t.field({ type: ConnectedAccountRef, description: "The user's account at the toolkit.", resolve: (p) => p.account }),
      connectLink: t.field({
        type: ConnectLinkRef,
        nullable: true,
        description: 'The link for the user to open; null when the account is ACTIVE.',
        resolve: (p) => (p.link ? { ...p.link, url: p.url ?? undefined } : null),
      }),
      message: t.exposeString('message', {
        description: 'One sentence to show in the chat as is, with the link when there is one.',
      }),
    }),
  },
);
