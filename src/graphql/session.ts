import { createSession } from '../domain/access/sessions.js';
import { sessionToolkitConnections } from '../domain/connections/session-toolkits.js';
import type { ConnectedAccount, Toolkit } from '../generated/prisma/client.js';
import { AuthConfigRef } from './auth-config.js';
import { builder } from './builder.js';
import { assertSessionAccess } from '../domain/access/caller.js';
import { visibleSessionsWhere } from '../domain/access/visibility.js';
import { projectIdOf } from './context.js';
import { ConnectedAccountRef, ConnectionStatusEnum } from './connected-account.js';
import { ToolkitRef } from './toolkit.js';

export const SessionRef = builder.prismaNode('Session', {
  description: "One end user's agent conversation, scoped to some toolkits.",
  id: { field: 'id' },
  // Objects the caller may not see resolve to null in node(id), as if they did not exist.
  nullable: true,
  findUnique: (id, ctx) => ({ id, AND: [visibleSessionsWhere(ctx.principal)] }),
  fields: (t) => ({
    userId: t.exposeString('userId', { description: "The developer's identifier of the end user." }),
    displayName: t.exposeString('displayName', {
      nullable: true,
      description: 'The end user\'s name as the hosted page shows it; without one, the page shows userId.',
    }),
    allowedToolkits: t.exposeStringList('toolkits', {
      description: 'Slugs this session may connect; empty means any toolkit.',
    }),
    toolkits: t.field({
      type: [SessionToolkitRef],
      description:
        "Per toolkit, whether the user is connected: the session's toolkits, or, when it allows any, those the user has accounts at.",
      resolve: (session, _args, ctx) => sessionToolkitConnections(ctx.prisma, session),
    }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true, description: 'When the session stops working.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the session was created.' }),
  }),
});

interface SessionToolkitShape {
  toolkit: Toolkit;
  account: ConnectedAccount | null;
}

const SessionToolkitRef = builder.objectRef<SessionToolkitShape>('SessionToolkit').implement({
  description: 'A toolkit of a session and whether its user is connected to it.',
  fields: (t) => ({
    toolkit: t.field({ type: ToolkitRef, description: 'The toolkit.', resolve: (s) => s.toolkit }),
    connection: t.field({
      type: SessionConnectionRef,
      nullable: true,
      description: 'The user\'s best account at this toolkit (ACTIVE first, then the newest); null when none.',
      resolve: (s) => s.account,
    }),
  }),
});

const SessionConnectionRef = builder.objectRef<ConnectedAccount>('SessionConnection').implement({
  description: "The state of the user's connection to one toolkit.",
  fields: (t) => ({
    status: t.field({ type: ConnectionStatusEnum, description: 'Status of the account.', resolve: (a) => a.status }),
    connectedAccount: t.field({ type: ConnectedAccountRef, description: 'The account.', resolve: (a) => a }),
  }),
});

builder.queryField('session', (t) =>
  t.prismaField({
    type: 'Session',
    nullable: true,
    authScopes: { project: true, session: true },
    description: 'A session by global ID. A session client token can read only its own session.',
    args: { id: t.arg.globalID({ required: true, for: SessionRef, description: 'The session.' }) },
    resolve: (query, _root, { id }, ctx) => {
      assertSessionAccess(ctx.principal, id.id);
      return ctx.prisma.session.findFirst({ ...query, where: { id: id.id, projectId: projectIdOf(ctx) } });
    },
  }),
);

builder.relayMutationField(
  'createSession',
  {
    description: 'Input of createSession.',
    inputFields: (t) => ({
      userId: t.string({ required: true, description: "Your identifier of the end user." }),
      displayName: t.string({ description: "The end user's name, shown on the hosted page instead of userId." }),
      toolkits: t.stringList({ description: 'Toolkit slugs the session may connect; omit for any.' }),
      authConfigs: t.globalIDList({ for: AuthConfigRef, description: 'Auth configs to use, at most one per toolkit.' }),
      expiresInSeconds: t.int({ description: 'Lifetime of the session and its client token (default: no expiry).' }),
    }),
  },
  {
    description: 'Starts a session for one end user and returns its client token, once.',
    authScopes: { project: true },
    resolve: async (_root, { input }, ctx) =>
      createSession(ctx.deps, ctx.principal, {
        userId: input.userId,
        displayName: input.displayName,
        toolkits: input.toolkits,
        authConfigIds: input.authConfigs?.map((ref) => ref.id),
        expiresInSeconds: input.expiresInSeconds,
      }),
  },
  {
    description: 'Result of createSession.',
    outputFields: (t) => ({
      session: t.field({ type: SessionRef, description: 'The new session.', resolve: (p) => p.session }),
      clientToken: t.string({
        description:
          'Secret for a browser chat UI: allows reading this session, authorize within it, and subscribing to its links and accounts. Shown once.',
        resolve: (p) => p.clientToken,
      }),
    }),
  },
);
