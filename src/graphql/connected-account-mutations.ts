import { publicId } from '../domain/public-ids.js';
import { deleteAccount, issueAccessToken, revokeAccount, setAccountEnabled } from '../domain/connections/connected-accounts.js';
import { builder } from './builder.js';
import { ConnectedAccountRef } from './connected-account.js';

const CredentialValueRef = builder
  .objectRef<{ name: string; value: string }>('CredentialValue')
  .implement({
    description: 'One credential field of an API-key, bearer or basic account.',
    fields: (t) => ({
      name: t.exposeString('name', { description: "The toolkit field's name, e.g. `apiKey`." }),
      value: t.exposeString('value', { description: 'The value the user entered.' }),
    }),
  });

builder.relayMutationField(
  'issueAccessToken',
  {
    description: 'Input of issueAccessToken.',
    inputFields: (t) => ({
      connectedAccountId: t.globalID({ required: true, for: ConnectedAccountRef, description: 'The account.' }),
    }),
  },
  {
    description:
      'Returns usable credentials for tool execution, refreshing OAuth tokens first when due. The one operation that returns a secret: project API key only; ACTIVE accounts only.',
    authScopes: { project: true },
    resolve: (_root, { input }, ctx) => issueAccessToken(ctx.deps, ctx.principal, { connectedAccountId: input.connectedAccountId.id }),
  },
  {
    description: 'Result of issueAccessToken. Do not log or cache it.',
    outputFields: (t) => ({
      accessToken: t.exposeString('accessToken', { description: 'The access token (OAuth) or the main key (API key).' }),
      tokenType: t.exposeString('tokenType', { description: 'E.g. `Bearer`, or the scheme (`API_KEY`, `BASIC`…).' }),
      expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true, description: 'When the token expires, if known.' }),
      scopes: t.exposeStringList('scopes', { description: 'Granted scopes.' }),
      fields: t.field({
        type: [CredentialValueRef],
        nullable: true,
        description: 'All credential fields of API-key, bearer and basic accounts; null for OAuth.',
        resolve: (p) => (p.fields ? Object.entries(p.fields).map(([name, value]) => ({ name, value })) : null),
      }),
    }),
  },
);

for (const [name, enabled, description] of [
  ['enableConnectedAccount', true, "Makes an INACTIVE account ACTIVE again. A session client token may enable its own user's accounts."],
  [
    'disableConnectedAccount',
    false,
    "Makes an ACTIVE account INACTIVE: credentials kept, issueAccessToken refuses. A session client token may disable its own user's accounts.",
  ],
] as const) {
  builder.relayMutationField(
    name,
    {
      description: `Input of ${name}.`,
      inputFields: (t) => ({ id: t.globalID({ required: true, for: ConnectedAccountRef, description: 'The account.' }) }),
    },
    {
      description,
      // A session client token manages its own user's accounts ("disconnect my GitHub"); others are not found.
      authScopes: { project: true, session: true },
      resolve: async (_root, { input }, ctx) => ({
        account: await setAccountEnabled(ctx.deps, ctx.principal, { id: input.id.id, enabled }),
      }),
    },
    {
      description: `Result of ${name}.`,
      outputFields: (t) => ({
        connectedAccount: t.field({ type: ConnectedAccountRef, description: 'The account.', resolve: (p) => p.account }),
      }),
    },
  );
}

builder.relayMutationField(
  'revokeConnectedAccount',
  {
    description: 'Input of revokeConnectedAccount.',
    inputFields: (t) => ({ id: t.globalID({ required: true, for: ConnectedAccountRef, description: 'The account.' }) }),
  },
  {
    description:
      "Revokes the account's tokens at the provider (when it has a revocation endpoint) and erases them: REVOKED. A session client token may revoke its own user's accounts.",
    authScopes: { project: true, session: true },
    resolve: (_root, { input }, ctx) => revokeAccount(ctx.deps, ctx.principal, { id: input.id.id }),
  },
  {
    description: 'Result of revokeConnectedAccount.',
    outputFields: (t) => ({
      connectedAccount: t.field({ type: ConnectedAccountRef, description: 'The account, REVOKED.', resolve: (p) => p.account }),
      providerRevoked: t.exposeBoolean('providerRevoked', { description: 'Whether the provider confirmed the revocation.' }),
    }),
  },
);

builder.relayMutationField(
  'deleteConnectedAccount',
  {
    description: 'Input of deleteConnectedAccount.',
    inputFields: (t) => ({
      id: t.globalID({ required: true, for: ConnectedAccountRef, description: 'The account.' }),
      revoke: t.boolean({ description: 'Revoke at the provider first (default true).' }),
    }),
  },
  {
    description: "Deletes the account and its links; subscribers to it are completed. A session client token may delete its own user's accounts.",
    authScopes: { project: true, session: true },
    resolve: (_root, { input }, ctx) => deleteAccount(ctx.deps, ctx.principal, { id: input.id.id, revoke: input.revoke ?? true }),
  },
  {
    description: 'Result of deleteConnectedAccount.',
    outputFields: (t) => ({
      deletedConnectedAccountId: t.id({
        description: 'Global ID of the deleted account.',
        resolve: (p) => publicId('ConnectedAccount', p.deletedId),
      }),
      providerRevoked: t.exposeBoolean('providerRevoked', { description: 'Whether the provider confirmed a revocation.' }),
    }),
  },
);
