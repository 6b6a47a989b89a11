import { visibleAccountsWhere, visibleLinksWhere } from '../domain/access/visibility.js';
import { authorize } from '../domain/connections/connect-links.js';
import { watchConnectedAccount, watchConnectLink, type StatusEvent } from '../domain/connections/connection-status.js';
import { DomainError, notFound } from '../domain/errors.js';
import type { ConnectLink } from '../generated/prisma/client.js';
import { AuthConfigRef } from './auth-config.js';
import { builder } from './builder.js';
import { ConnectedAccountRef, ConnectionStatusEnum } from './connected-account.js';
import { SessionRef } from './session.js';

const ConnectLinkStatusEnum = builder.enumType('ConnectLinkStatus', {
  description: 'Where a Connect Link stands.',
  values: {
    PENDING: { description: 'Usable: the user has not finished yet.' },
    COMPLETED: { description: 'Used: the account was connected.' },
    FAILED: { description: 'The flow ended without a connection.' },
    EXPIRED: { description: 'Not used in time.' },
  },
});

/** A link as returned by authorize, which alone knows its URL (only a hash of the token is kept). */
type ConnectLinkShape = ConnectLink & { url?: string };

export const ConnectLinkRef = builder.prismaNode('ConnectLink', {
  description: 'A single-use, short-lived link to the hosted connect page.',
  id: { field: 'id' },
  // Objects the caller may not see resolve to null in node(id), as if they did not exist.
  nullable: true,
  findUnique: (id, ctx) => ({ id, AND: [visibleLinksWhere(ctx.principal)] }),
  fields: (t) => ({
    url: t.string({
      nullable: true,
      description: 'The link to show the user. Returned only by authorize and ensureConnection: other reads do not carry it.',
      resolve: (link) => (link as ConnectLinkShape).url ?? null,
    }),
    status: t.expose('status', { type: ConnectLinkStatusEnum, description: 'Current status.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When the link stops working if unused.' }),
    callbackUrl: t.exposeString('callbackUrl', { nullable: true, description: 'Where the browser goes when done.' }),
    connectedAccount: t.relation('connectedAccount', { description: 'The account this link connects.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the link was created.' }),
  }),
});

builder.relayMutationField(
  'authorize',
  {
    description: 'Input of authorize.',
    inputFields: (t) => ({
      sessionId: t.globalID({ required: true, for: SessionRef, description: 'The session of the end user.' }),
      toolkit: t.string({ required: true, description: 'Slug of the toolkit to connect.' }),
      callbackUrl: t.string({
        description: "Where to send the browser afterwards (an allowed origin of the project); gets status and connected_account_id.",
      }),
      alias: t.string({ description: "Which of the user's accounts at the toolkit (unique per user and toolkit); default: the unnamed one." }),
      connectedAccountId: t.globalID({
        for: ConnectedAccountRef,
        description: 'Re-authorize this existing account in place (same id; status kept until success).',
      }),
      authConfigId: t.globalID({ for: AuthConfigRef, description: 'Auth config to use (default: pin, default, managed).' }),
    }),
  },
  {
    description:
      "Creates a Connect Link for the session user to connect a toolkit. Re-authorizes the user's existing account at the toolkit (and alias) in place, or creates it (INITIATED): never a second one.",
    authScopes: { project: true, session: true },
    resolve: async (_root, { input }, ctx) => {
      const result = await authorize(ctx.deps, ctx.principal, {
          sessionId: input.sessionId.id,
          toolkit: input.toolkit,
          callbackUrl: input.callbackUrl,
          alias: input.alias,
          connectedAccountId: input.connectedAccountId?.id,
          authConfigId: input.authConfigId?.id,
      });
      return { connectLink: { ...result.link, url: result.url }, connectedAccount: result.account };
    },
  },
  {
    description: 'Result of authorize.',
    outputFields: (t) => ({
      connectLink: t.field({ type: ConnectLinkRef, description: 'The link to show the user.', resolve: (p) => p.connectLink }),
      connectedAccount: t.field({
        type: ConnectedAccountRef,
        description: 'The account being connected (INITIATED, or the re-authorized one).',
        resolve: (p) => p.connectedAccount,
      }),
    }),
  },
);

const ConnectionStatusEventRef = builder.objectRef<StatusEvent>('ConnectionStatusEvent').implement({
  description: 'A state of a connection, pushed by connectionStatus.',
  fields: (t) => ({
    status: t.field({ type: ConnectionStatusEnum, description: 'The status.', resolve: (e) => e.status }),
    statusReason: t.string({ nullable: true, description: 'Machine-readable reason.', resolve: (e) => e.statusReason }),
    occurredAt: t.field({ type: 'DateTime', description: 'When it happened.', resolve: (e) => e.occurredAt }),
    connectedAccount: t.prismaField({
      type: 'ConnectedAccount',
      nullable: true,
      description: 'The account, as it is now; null once deleted.',
      resolve: (query, e, _args, ctx) =>
        ctx.prisma.connectedAccount.findFirst({ ...query, where: { id: e.connectedAccountId, ...visibleAccountsWhere(ctx.principal) } }),
    }),
    connectLink: t.prismaField({
      type: 'ConnectLink',
      nullable: true,
      description: 'The link whose flow caused this state, if any.',
      resolve: (query, e, _args, ctx) =>
        e.connectLinkId
          ? ctx.prisma.connectLink.findFirst({ ...query, where: { id: e.connectLinkId, ...visibleLinksWhere(ctx.principal) } })
          : null,
    }),
  }),
});

builder.subscriptionField('connectionStatus', (t) =>
  t.field({
    type: ConnectionStatusEventRef,
    description:
      "The current state first, then every change. By connectLinkId: completes once that link's flow ended (ACTIVE, FAILED, EXPIRED). By connectedAccountId: follows the account until it is deleted.",
    authScopes: { project: true, session: true },
    args: {
      connectLinkId: t.arg.globalID({ for: ConnectLinkRef, description: 'Follow this link.' }),
      connectedAccountId: t.arg.globalID({ for: ConnectedAccountRef, description: 'Follow this account.' }),
    },
    subscribe: async (_root, args, ctx) => {
      if (!args.connectLinkId === !args.connectedAccountId) {
        throw new DomainError('BAD_USER_INPUT', 'Pass exactly one of connectLinkId and connectedAccountId.');
      }
      if (args.connectLinkId) {
        const link = await ctx.prisma.connectLink.findFirst({
          where: { id: args.connectLinkId.id, ...visibleLinksWhere(ctx.principal) },
          select: { id: true },
        });
        if (!link) throw notFound('Connect link');
        return watchConnectLink(ctx.deps, link.id);
      }
      const account = await ctx.prisma.connectedAccount.findFirst({
        where: { id: args.connectedAccountId!.id, ...visibleAccountsWhere(ctx.principal) },
        select: { id: true },
      });
      if (!account) throw notFound('Connected account');
      return watchConnectedAccount(ctx.deps, account.id);
    },
    resolve: (event) => event,
  }),
);
