import {
  createAuthConfig,
  deleteAuthConfig,
  isOAuthScheme,
  redirectUriFor,
  updateAuthConfig,
} from '../domain/toolkits/auth-configs.js';
import { findVisibleToolkit } from '../domain/toolkits/toolkits.js';
import { notFound } from '../domain/errors.js';
import { publicId } from '../domain/public-ids.js';
import { builder } from './builder.js';
import { projectIdOf } from './context.js';
import { FieldValueInput, FieldValueRef, fieldValueList } from './field-value.js';
import { AuthSchemeEnum } from './toolkit.js';

const AuthConfigKindEnum = builder.enumType('AuthConfigKind', {
  description: 'Whose OAuth app an auth config uses.',
  values: {
    CUSTOM: { description: "The project's own app, with credentials given to createAuthConfig." },
    MANAGED: { description: "The server operator's app (TOOLKIT_<SLUG>_CLIENT_ID/SECRET), or no app needed." },
  },
});

export const AuthConfigRef = builder.prismaNode('AuthConfig', {
  description: 'How a toolkit is authenticated for this project: which OAuth app and scopes. Secrets are never returned.',
  id: { field: 'id' },
  // Objects the caller may not see resolve to null in node(id), as if they did not exist.
  nullable: true,
  authScopes: { project: true },
  findUnique: (id, ctx) => ({ id, projectId: projectIdOf(ctx) }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Display name.' }),
    kind: t.expose('kind', { type: AuthConfigKindEnum, description: 'CUSTOM or MANAGED.' }),
    authScheme: t.expose('authScheme', { type: AuthSchemeEnum, description: 'The scheme this config authenticates with.' }),
    toolkit: t.relation('toolkit', { description: 'The toolkit this config authenticates.' }),
    scopes: t.exposeStringList('scopes', { description: "Scopes requested; empty means the toolkit's defaults." }),
    userScopes: t.exposeStringList('userScopes', {
      description: "Scopes of a user token, for toolkits that request them apart from the app's (Slack's `user_scope`); empty means the toolkit's defaults.",
    }),
    fieldValues: t.field({
      type: [FieldValueRef],
      description: "Values for the placeholders in the toolkit's OAuth URLs, the same for every connection; the end user fills in the rest.",
      resolve: (c) => fieldValueList(c.fieldValues),
    }),
    enabled: t.boolean({ description: 'Disabled configs cannot start new connections.', resolve: (c) => c.status === 'ENABLED' }),
    isDefault: t.exposeBoolean('isDefault', { description: "Used by authorize when neither input nor session names one." }),
    hasCredentials: t.boolean({
      description: 'Whether client credentials are stored (encrypted) for this config.',
      resolve: (c) => c.encryptedCredentials !== null,
    }),
    redirectUri: t.string({
      nullable: true,
      description: 'The redirect URI to register at the provider (OAuth configs only).',
      select: { sharedRedirectPath: true, toolkit: { select: { id: true, slug: true, projectId: true, oauthVersion: true } } },
      resolve: (c, _args, ctx) => (isOAuthScheme(c.authScheme) ? redirectUriFor(ctx.deps.publicUrl, c.toolkit, c) : null),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the config was created.' }),
  }),
});

builder.queryField('authConfigs', (t) =>
  t.prismaConnection(
    {
      type: 'AuthConfig',
      cursor: 'id',
      authScopes: { project: true },
      description: "This project's auth configs, newest first.",
      args: { toolkit: t.arg.string({ required: false, description: 'Only configs of this toolkit slug.' }) },
      resolve: async (query, _parent, args, ctx) => {
        const projectId = projectIdOf(ctx);
        const toolkit = args.toolkit ? await findVisibleToolkit(ctx.deps, projectId, args.toolkit) : null;
        if (args.toolkit && !toolkit) throw notFound(`Toolkit "${args.toolkit}"`);
        return ctx.prisma.authConfig.findMany({
          ...query,
          where: { projectId, ...(toolkit ? { toolkitId: toolkit.id } : {}) },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        });
      },
    },
    { name: 'AuthConfigConnection', description: 'A page of auth configs.' },
    { name: 'AuthConfigEdge', description: 'An auth config in a page.' },
  ),
);

const ClientCredentialsInput = builder.inputType('ClientCredentialsInput', {
  description: 'The OAuth app registered at the provider. The secret is stored encrypted and never returned.',
  fields: (t) => ({
    clientId: t.string({ required: true, description: 'OAuth client id.' }),
    clientSecret: t.string({ required: true, description: 'OAuth client secret.' }),
  }),
});


builder.relayMutationField(
  'createAuthConfig',
  {
    description: 'Input of createAuthConfig.',
    inputFields: (t) => ({
      toolkit: t.string({ required: true, description: 'Toolkit slug.' }),
      name: t.string({ required: true, description: 'Display name.' }),
      authScheme: t.field({ type: AuthSchemeEnum, description: 'Scheme, when the toolkit supports several.' }),
      credentials: t.field({ type: ClientCredentialsInput, description: 'OAuth client credentials (OAuth toolkits).' }),
      scopes: t.stringList({ description: "Scopes to request; default: the toolkit's." }),
      userScopes: t.stringList({
        description: "Scopes of a user token, for toolkits that request them apart from the app's (Slack's `user_scope`); default: the toolkit's.",
      }),
      fieldValues: t.field({
        type: [FieldValueInput],
        description:
          "Values for the placeholders in the toolkit's OAuth URLs. A placeholder that is a URL's whole host must be set here.",
      }),
      isDefault: t.boolean({
        description: "Make it the toolkit's default (the project's first config is, ahead of a managed one made on first use).",
      }),
    }),
  },
  {
    description: "Creates an auth config with the project's own OAuth app (or a credentials form for API-key toolkits).",
    authScopes: { project: true },
    resolve: async (_root, { input }, ctx) => ({ authConfig: await createAuthConfig(ctx.deps, ctx.principal, input) }),
  },
  {
    description: 'Result of createAuthConfig.',
    outputFields: (t) => ({
      authConfig: t.field({ type: AuthConfigRef, description: 'The auth config.', resolve: (p) => p.authConfig }),
    }),
  },
);

builder.relayMutationField(
  'updateAuthConfig',
  {
    description: 'Input of updateAuthConfig; omitted fields stay as they are.',
    inputFields: (t) => ({
      id: t.globalID({ required: true, for: AuthConfigRef, description: 'The auth config.' }),
      name: t.string({ description: 'New name.' }),
      credentials: t.field({ type: ClientCredentialsInput, description: 'New client credentials.' }),
      scopes: t.stringList({ description: 'New scopes.' }),
      userScopes: t.stringList({ description: "New user-token scopes (toolkits that request them apart from the app's, like Slack)." }),
      fieldValues: t.field({
        type: [FieldValueInput],
        description: 'New placeholder values, replacing all of them; connected accounts keep the values they were connected with.',
      }),
      enabled: t.boolean({ description: 'Enable or disable.' }),
      isDefault: t.boolean({ description: "Make it the toolkit's default." }),
    }),
  },
  {
    description: 'Changes an auth config: name, credentials, scopes, URL placeholder values, enabled, default.',
    authScopes: { project: true },
    resolve: async (_root, { input }, ctx) => ({
      authConfig: await updateAuthConfig(ctx.deps, ctx.principal, { ...input, id: input.id.id }),
    }),
  },
  {
    description: 'Result of updateAuthConfig.',
    outputFields: (t) => ({
      authConfig: t.field({ type: AuthConfigRef, description: 'The auth config.', resolve: (p) => p.authConfig }),
    }),
  },
);

builder.relayMutationField(
  'deleteAuthConfig',
  {
    description: 'Input of deleteAuthConfig.',
    inputFields: (t) => ({ id: t.globalID({ required: true, for: AuthConfigRef, description: 'The auth config.' }) }),
  },
  {
    description: 'Deletes an auth config that no connected account uses.',
    authScopes: { project: true },
    resolve: async (_root, { input }, ctx) => {
      const deleted = await deleteAuthConfig(ctx.deps, ctx.principal, input.id.id);
      return { deletedId: deleted.id };
    },
  },
  {
    description: 'Result of deleteAuthConfig.',
    outputFields: (t) => ({
      deletedAuthConfigId: t.id({
        description: 'Global ID of the deleted auth config.',
        resolve: (p) => publicId('AuthConfig', p.deletedId),
      }),
    }),
  },
);
