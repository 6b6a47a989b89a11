import { builder } from './builder.js';
import { visibleAccountsWhere } from '../domain/access/visibility.js';
import { AuthSchemeEnum } from './toolkit.js';
import { FieldValueRef, fieldValueList } from './field-value.js';
import { findVisibleToolkit } from '../domain/toolkits/toolkits.js';
import { notFound } from '../domain/errors.js';
import { openProviderAccount, type ProviderAccount } from '../domain/connections/provider-account.js';

export const ConnectionStatusEnum = builder.enumType('ConnectionStatus', {
  description: 'Where a connected account (or a Connect Link flow) stands.',
  values: {
    INITIATED: { description: 'A Connect Link was created; the user has not finished yet.' },
    ACTIVE: { description: 'Connected: credentials are stored and usable.' },
    FAILED: { description: 'The user or the provider refused, or the flow broke.' },
    EXPIRED: { description: 'The link was not used in time, or the provider revoked the grant.' },
    INACTIVE: { description: 'Disabled by the developer; credentials are kept but not handed out.' },
    REVOKED: { description: 'Revoked; the credentials are gone.' },
  },
});

const ProviderAccountRef = builder.objectRef<ProviderAccount>('ProviderAccount').implement({
  description: 'Which account at the provider a connected account is, as the provider said after connection.',
  fields: (t) => ({
    id: t.exposeString('id', { description: "The provider's stable id of the account (OpenID Connect `sub`, a user id)." }),
    email: t.exposeString('email', { nullable: true, description: 'Its email address, when the provider gives one.' }),
    name: t.exposeString('name', { nullable: true, description: 'Its display name or login, when the provider gives one.' }),
  }),
});

export const ConnectedAccountRef = builder.prismaNode('ConnectedAccount', {
  description: "An end user's linked account at a toolkit. Credentials are never exposed here.",
  id: { field: 'id' },
  // Objects the caller may not see resolve to null in node(id), as if they did not exist.
  nullable: true,
  findUnique: (id, ctx) => ({ id, ...visibleAccountsWhere(ctx.principal) }),
  fields: (t) => ({
    userId: t.exposeString('userId', { description: "The developer's identifier of the end user." }),
    alias: t.exposeString('alias', { nullable: true, description: 'Name telling several accounts of one user apart.' }),
    status: t.expose('status', { type: ConnectionStatusEnum, description: 'Current status.' }),
    statusReason: t.exposeString('statusReason', {
      nullable: true,
      description: 'Machine-readable reason of the status, e.g. `access_denied`, `INITIATION_TIMEOUT`.',
    }),
    toolkit: t.relation('toolkit', { description: 'The toolkit this account is at.' }),
    authScheme: t.field({
      type: AuthSchemeEnum,
      description: 'How the account authenticates.',
      select: { authConfig: { select: { authScheme: true } } },
      resolve: (account) => account.authConfig.authScheme,
    }),
    scopes: t.exposeStringList('scopes', { description: 'Scopes granted by the provider.' }),
    providerAccount: t.field({
      type: ProviderAccountRef,
      nullable: true,
      description:
        "Which account at the provider this is (e.g. which Google address), learnt after an OAuth connection from the provider's identity endpoint or id_token; null when unknown.",
      select: { id: true, encryptedProviderAccount: true },
      resolve: (account, _args, ctx) => openProviderAccount(ctx.deps.keyRing, account),
    }),
    fieldValues: t.field({
      type: [FieldValueRef],
      description: "The values its toolkit's OAuth URL placeholders were filled with (a shop, a tenant), fixed at connection.",
      resolve: (account) => fieldValueList(account.fieldValues),
    }),
    tokenExpiresAt: t.expose('tokenExpiresAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the current access token expires, if it does.',
    }),
    statusChangedAt: t.expose('statusChangedAt', { type: 'DateTime', description: 'When the status last changed.' }),
    nextRefreshAt: t.expose('nextRefreshAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the server will refresh the tokens ahead of expiry; null when nothing to refresh.',
    }),
    lastRefreshedAt: t.expose('lastRefreshedAt', { type: 'DateTime', nullable: true, description: 'Last successful refresh.' }),
    refreshAttempts: t.exposeInt('refreshAttempts', {
      description: 'Failed refresh attempts since the last success (network errors, 5xx); retried with backoff.',
    }),
    lastRefreshError: t.exposeString('lastRefreshError', { nullable: true, description: 'Why the last refresh failed.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the account was created.' }),
  }),
});

builder.queryField('connectedAccounts', (t) =>
  t.prismaConnection(
    {
      type: 'ConnectedAccount',
      cursor: 'id',
      authScopes: { project: true, session: true },
      description: "Connected accounts, newest first; a session client token sees only its user's.",
      args: {
        userId: t.arg.string({ required: false, description: 'Only this end user.' }),
        toolkit: t.arg.string({ required: false, description: 'Only this toolkit slug.' }),
        status: t.arg({ type: ConnectionStatusEnum, required: false, description: 'Only this status.' }),
      },
      resolve: async (query, _parent, args, ctx) => {
        const toolkit = args.toolkit ? await findVisibleToolkit(ctx.deps, ctx.principal.projectId, args.toolkit) : null;
        if (args.toolkit && !toolkit) throw notFound(`Toolkit "${args.toolkit}"`);
        return ctx.prisma.connectedAccount.findMany({
          ...query,
          where: {
            ...(args.userId ? { userId: args.userId } : {}),
            ...(toolkit ? { toolkitId: toolkit.id } : {}),
            ...(args.status ? { status: args.status } : {}),
            ...visibleAccountsWhere(ctx.principal),
          },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        });
      },
    },
    { name: 'ConnectedAccountConnection', description: 'A page of connected accounts.' },
    { name: 'ConnectedAccountEdge', description: 'A connected account in a page.' },
  ),
);
