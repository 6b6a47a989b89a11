import { importConnectedAccount } from '../domain/connections/import.js';
import { AuthConfigRef } from './auth-config.js';
import { builder } from './builder.js';
import { ConnectedAccountRef } from './connected-account.js';

const ImportedOAuth2Input = builder.inputType('ImportedOAuth2CredentialsInput', {
  description: 'OAuth 2 tokens issued to the OAuth app of the auth config.',
  fields: (t) => ({
    accessToken: t.string({ required: true, description: 'The access token.' }),
    refreshToken: t.string({ description: 'The refresh token, if one was issued; without it the account cannot be refreshed.' }),
    expiresAt: t.field({ type: 'DateTime', description: 'When the access token expires; the refresh is scheduled from it.' }),
    scopes: t.stringList({ description: 'The scopes granted.' }),
    tokenType: t.string({ description: 'The token type (default `Bearer`).' }),
  }),
});

const ImportedOAuth1Input = builder.inputType('ImportedOAuth1CredentialsInput', {
  description: 'An OAuth 1 access token and its secret.',
  fields: (t) => ({
    token: t.string({ required: true, description: 'The access token (`oauth_token`).' }),
    tokenSecret: t.string({ required: true, description: 'Its secret (`oauth_token_secret`).' }),
  }),
});

const ImportedFieldInput = builder.inputType('ImportedCredentialFieldInput', {
  description: 'One credential field of an API-key, bearer or basic toolkit.',
  fields: (t) => ({
    name: t.string({ required: true, description: "The toolkit field's name, as listed in Toolkit.fields (e.g. `apiKey`)." }),
    value: t.string({ required: true, description: "Its value; checked as the hosted form checks it." }),
  }),
});

const ImportedCredentialsInput = builder.inputType('ImportedCredentialsInput', {
  description: "Exactly one of `oauth2`, `oauth1` or `fields`, matching the auth config's scheme.",
  fields: (t) => ({
    oauth2: t.field({ type: ImportedOAuth2Input, description: 'For OAUTH2 auth configs.' }),
    oauth1: t.field({ type: ImportedOAuth1Input, description: 'For OAUTH1 auth configs.' }),
    fields: t.field({ type: [ImportedFieldInput], description: 'For API_KEY, BEARER_TOKEN and BASIC auth configs.' }),
  }),
});

builder.relayMutationField(
  'importConnectedAccount',
  {
    description: 'Input of importConnectedAccount.',
    inputFields: (t) => ({
      userId: t.string({ required: true, description: "The developer's identifier of the end user." }),
      toolkit: t.string({ required: true, description: 'The toolkit slug.' }),
      authConfigId: t.globalID({
        required: true,
        for: AuthConfigRef,
        description: 'For OAuth, the auth config of the OAuth app that issued the tokens: refresh needs its client id and secret.',
      }),
      alias: t.string({ description: 'Tells several accounts of one user at one toolkit apart.' }),
      credentials: t.field({ type: ImportedCredentialsInput, required: true, description: 'The credentials the account already has.' }),
    }),
  },
  {
    description:
      'Brings an account connected elsewhere: ACTIVE at once with its existing credentials (encrypted like any other), refresh scheduled from `expiresAt`, a `connection.imported` event. Importing again with the same userId, toolkit and alias updates that account. Project API key only.',
    authScopes: { project: true },
    resolve: (_root, { input }, ctx) =>
      importConnectedAccount(ctx.deps, ctx.principal, { ...input, authConfigId: input.authConfigId.id }),
  },
  {
    description: 'Result of importConnectedAccount.',
    outputFields: (t) => ({
      connectedAccount: t.field({ type: ConnectedAccountRef, description: 'The account, with its new credentials.', resolve: (p) => p.account }),
      created: t.exposeBoolean('created', { description: 'False when an existing account (same userId, toolkit, alias) was updated.' }),
    }),
  },
);
