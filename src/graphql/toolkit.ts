import { maxLengthOf, storedCredentialFieldSchema, type AuthScheme, type CredentialField } from '../catalog/index.js';
import { visibleToolkitsWhere } from '../domain/access/visibility.js';
import { toolkitLogoUrl } from '../domain/toolkits/logos.js';
import { createToolkit, findVisibleToolkit, toolkitListWhere, toolkitOrder } from '../domain/toolkits/toolkits.js';
import type { TokenAuthMethod, Toolkit as ToolkitRow } from '../generated/prisma/client.js';
import { builder } from './builder.js';
import { projectIdOf } from './context.js';
import { NameValueInput } from './name-value.js';

export const AuthSchemeEnum = builder.enumType('AuthScheme', {
  description: 'How an end user proves who they are to a toolkit.',
  values: {
    OAUTH2: { description: 'OAuth 2.0 authorization code flow (with PKCE where supported).' },
    OAUTH1: { description: 'OAuth 1.0a three-legged flow.' },
    API_KEY: { description: 'An API key the user pastes into the hosted form.' },
    BEARER_TOKEN: { description: 'A bearer token the user pastes into the hosted form.' },
    BASIC: { description: 'A username and password (or key and secret) sent as HTTP Basic auth.' },
    NO_AUTH: { description: 'No credentials needed.' },
  } satisfies Record<AuthScheme, unknown>,
});

const CredentialFieldRef = builder.objectRef<CredentialField>('CredentialField').implement({
  description: 'One input of the credentials form the hosted page shows for this toolkit.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Form and credential key of this field.' }),
    label: t.exposeString('label', { description: 'Human-readable label.' }),
    secret: t.exposeBoolean('secret', { description: 'Whether the value is a secret (masked, encrypted).' }),
    required: t.exposeBoolean('required', { description: 'Whether the field must be filled in.' }),
    pattern: t.exposeString('pattern', {
      nullable: true,
      description: 'Regular expression (RE2 syntax, matched in linear time; anchor it with ^…$) a valid value matches.',
    }),
    maxLength: t.int({
      description: 'Longest value accepted (checked before the pattern).',
      resolve: (field) => maxLengthOf(field),
    }),
    placeholder: t.exposeString('placeholder', { nullable: true, description: 'Example shown in the empty input.' }),
    description: t.exposeString('description', { nullable: true, description: 'Where the user finds this value.' }),
    authSchemes: t.field({
      type: [AuthSchemeEnum],
      nullable: true,
      description: 'The schemes that ask for this field; null when every credentials scheme does.',
      resolve: (field) => field.authSchemes ?? null,
    }),
  }),
});

const TokenAuthMethodEnum = builder.enumType('TokenAuthMethod', {
  description: 'How the OAuth client authenticates at the token and revocation endpoints (RFC 6749 section 2.3.1).',
  values: {
    CLIENT_SECRET_POST: { description: 'client_id and client_secret in the form body.' },
    CLIENT_SECRET_BASIC: { description: 'HTTP Basic authentication with the client id and secret.' },
  } satisfies Record<TokenAuthMethod, unknown>,
});

const ToolkitOAuthRef = builder.objectRef<ToolkitRow>('ToolkitOAuth').implement({
  description: "The toolkit's OAuth endpoints and defaults.",
  fields: (t) => ({
    version: t.int({ description: 'OAuth version: 1 or 2.', resolve: (row) => row.oauthVersion ?? 2 }),
    authorizeUrl: t.string({ description: 'Where the user is sent to consent.', resolve: (row) => row.authorizeUrl ?? '' }),
    tokenUrl: t.string({ description: 'Where codes are exchanged for tokens.', resolve: (row) => row.tokenUrl ?? '' }),
    requestTokenUrl: t.exposeString('requestTokenUrl', { nullable: true, description: 'OAuth 1 request token endpoint.' }),
    revokeUrl: t.exposeString('revokeUrl', { nullable: true, description: 'Token revocation endpoint (RFC 7009), if any.' }),
    userInfoUrl: t.exposeString('userInfoUrl', { nullable: true, description: 'Endpoint describing the connected user, if any.' }),
    defaultScopes: t.exposeStringList('defaultScopes', { description: 'Scopes requested when an auth config names none.' }),
    scopeDelimiter: t.exposeString('scopeDelimiter', { description: 'How scopes are joined in the authorization request.' }),
    pkce: t.exposeBoolean('pkce', { description: 'Whether the flow uses PKCE (S256).' }),
    tokenAuthMethod: t.expose('tokenAuthMethod', {
      type: TokenAuthMethodEnum,
      description: 'How the client authenticates at the token and revocation endpoints.',
    }),
  }),
});

export const ToolkitRef = builder.prismaNode('Toolkit', {
  description: 'A service an end user can connect: from the catalog, or defined by this project.',
  id: { field: 'id' },
  // Objects the caller may not see resolve to null in node(id), as if they did not exist.
  nullable: true,
  // A custom toolkit of another project is invisible, so `node(id)` returns null for it.
  findUnique: (id, ctx) => ({ id, ...visibleToolkitsWhere(projectIdOf(ctx)) }),
  fields: (t) => ({
    slug: t.exposeString('slug', { description: 'Stable identifier, e.g. `github`.' }),
    name: t.exposeString('name', { description: 'Display name, e.g. `GitHub`.' }),
    description: t.exposeString('description', { nullable: true, description: 'What the service is.' }),
    logoUrl: t.string({
      nullable: true,
      description: "Logo shown on the hosted page: the toolkit's own, or for catalog brands this server's `/logos/<slug>.svg`.",
      resolve: (toolkit, _args, ctx) => toolkitLogoUrl(ctx.deps.publicUrl, toolkit),
    }),
    categories: t.exposeStringList('categories', { description: 'Catalog categories, e.g. `ai`, `email`.' }),
    authSchemes: t.field({
      type: [AuthSchemeEnum],
      description: 'The ways this toolkit can be authenticated.',
      resolve: (row) => row.authSchemes,
    }),
    oauth: t.field({
      type: ToolkitOAuthRef,
      nullable: true,
      description: 'OAuth settings; null when the toolkit has no OAuth scheme.',
      resolve: (row) => (row.oauthVersion ? row : null),
    }),
    fields: t.field({
      type: [CredentialFieldRef],
      description:
        'Inputs the toolkit asks for: the credentials form (API key, bearer token, basic auth), and for OAuth the values its URLs name as `[field]`.',
      resolve: (row) => storedCredentialFieldSchema.array().parse(row.fields),
    }),
    apiBaseUrl: t.exposeString('apiBaseUrl', { nullable: true, description: 'Base URL of the service API.' }),
    isCustom: t.boolean({
      description: 'True when this project defined the toolkit; false for catalog toolkits.',
      resolve: (row) => row.projectId !== null,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the toolkit was added.' }),
  }),
});

builder.queryFields((t) => ({
  toolkits: t.prismaConnection(
    {
      type: 'Toolkit',
      cursor: 'id',
      authScopes: { project: true, session: true },
      description: 'The toolkits this project can use, ordered by slug.',
      args: {
        search: t.arg.string({ required: false, description: 'Case-insensitive match on slug or name.' }),
        authScheme: t.arg({ type: AuthSchemeEnum, required: false, description: 'Only toolkits supporting this scheme.' }),
      },
      totalCount: (_parent, args, ctx) =>
        ctx.prisma.toolkit.count({ where: toolkitListWhere(projectIdOf(ctx), args) }),
      resolve: (query, _parent, args, ctx) =>
        ctx.prisma.toolkit.findMany({
          ...query,
          where: toolkitListWhere(projectIdOf(ctx), args),
          orderBy: toolkitOrder,
        }),
    },
    {
      name: 'ToolkitConnection',
      description: 'A page of toolkits.',
      fields: (t) => ({
        // Replaces the plugin's own totalCount field only to describe it.
        totalCount: t.int({
          description: 'How many toolkits match, across all pages.',
          extensions: { pothosPrismaTotalCount: true },
          resolve: (parent) => (parent as { totalCount?: () => Promise<number> }).totalCount?.() ?? 0,
        }),
      }),
    },
    { name: 'ToolkitEdge', description: 'A toolkit in a page of toolkits.' },
  ),
  toolkit: t.prismaField({
    type: 'Toolkit',
    nullable: true,
    authScopes: { project: true, session: true },
    description: 'One toolkit by slug; a custom toolkit of this project wins over a catalog one.',
    args: { slug: t.arg.string({ required: true, description: 'The toolkit slug.' }) },
    // Toolkit has no relations, so the whole row (cached) answers any selection.
    resolve: (_query, _parent, { slug }, ctx) => findVisibleToolkit(ctx.deps, projectIdOf(ctx), slug),
  }),
}));

const OAuth2SettingsInput = builder.inputType('CustomToolkitOAuth2Input', {
  description:
    'OAuth 2 endpoints of a custom toolkit. URLs must be https, except on loopback; `[field]` in a URL is filled from the field of that name (set on the auth config, or typed by the end user when it is not part of the host).',
  fields: (t) => ({
    authorizeUrl: t.string({ required: true, description: 'Authorization endpoint.' }),
    tokenUrl: t.string({ required: true, description: 'Token endpoint.' }),
    scopes: t.stringList({ description: 'Default scopes.' }),
    revokeUrl: t.string({ description: 'Revocation endpoint (RFC 7009).' }),
    userInfoUrl: t.string({ description: 'User info endpoint.' }),
    scopeDelimiter: t.string({ description: 'Scope separator (default: a space).' }),
    pkce: t.boolean({ description: 'Use PKCE (default: true).' }),
    tokenAuthMethod: t.field({
      type: TokenAuthMethodEnum,
      description: 'How the client authenticates at the token endpoint (default: CLIENT_SECRET_POST).',
    }),
  }),
});

const CredentialFieldInput = builder.inputType('CredentialFieldInput', {
  description: 'One input of the credentials form for an API-key, bearer or basic toolkit.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Key of the value, e.g. `apiKey`.' }),
    label: t.string({ required: true, description: 'Label shown to the user.' }),
    secret: t.boolean({ required: true, description: 'Whether the value is secret.' }),
    required: t.boolean({ description: 'Whether it must be filled in (default true).' }),
    pattern: t.string({
      description: 'Regular expression a valid value matches, in RE2 syntax (no backreferences or lookaround); anchor it with ^…$.',
    }),
    maxLength: t.int({ description: 'Longest value accepted, 1-16384 (default 4096).' }),
    placeholder: t.string({ description: 'Example value.' }),
    description: t.string({ description: 'Help text.' }),
  }),
});

const ApiBasicAuthInput = builder.inputType('ApiBasicAuthInput', {
  description: 'HTTP Basic credentials of API requests, as templates.',
  fields: (t) => ({
    username: t.string({ required: true, description: 'User name template, e.g. `{email}/token`.' }),
    password: t.string({ required: true, description: 'Password template, e.g. `{apiToken}` (may be empty).' }),
  }),
});

const ApiAuthInput = builder.inputType('ApiAuthInput', {
  description:
    'How the proxy puts credentials on API requests. Values are templates: `{name}` is the credential field of that name, or for OAUTH2 `{accessToken}` (and `{clientId}`, the OAuth app\'s id).',
  fields: (t) => ({
    headers: t.field({ type: [NameValueInput], description: 'Headers to set, e.g. `X-Api-Key: {apiKey}`.' }),
    query: t.field({ type: [NameValueInput], description: 'Query parameters to set, e.g. `api_key={apiKey}`.' }),
    basic: t.field({ type: ApiBasicAuthInput, description: 'HTTP Basic credentials.' }),
  }),
});

builder.relayMutationField(
  'createToolkit',
  {
    description: 'Input of createToolkit.',
    inputFields: (t) => ({
      slug: t.string({ required: true, description: 'Unique slug: a-z, 0-9, "-", "_".' }),
      name: t.string({ required: true, description: 'Display name.' }),
      authScheme: t.field({ type: AuthSchemeEnum, required: true, description: 'OAUTH2, API_KEY, BEARER_TOKEN or BASIC.' }),
      description: t.string({ description: 'What the service is.' }),
      logoUrl: t.string({ description: 'Logo URL (https).' }),
      categories: t.stringList({ description: 'Categories.' }),
      apiBaseUrl: t.string({ description: 'Base URL of the API, which proxyRequest calls.' }),
      apiAuth: t.field({
        type: ApiAuthInput,
        description:
          'How credentials go on API requests. Default: `Authorization: Bearer` with the access token (OAUTH2) or the one secret field (BEARER_TOKEN), Basic with the one plain and the one secret field (BASIC); API_KEY must say.',
      }),
      oauth2: t.field({ type: OAuth2SettingsInput, description: 'Required for OAUTH2.' }),
      fields: t.field({
        type: [CredentialFieldInput],
        description: 'The credentials form (required for API_KEY, BEARER_TOKEN, BASIC), or for OAUTH2 the fields its URLs name.',
      }),
    }),
  },
  {
    description: "Adds a custom toolkit (the project's own OAuth 2 or API-key service).",
    authScopes: { project: true },
    resolve: async (_root, { input }, ctx) => ({
      toolkit: await createToolkit(ctx.deps, ctx.principal, input),
    }),
  },
  {
    description: 'Result of createToolkit.',
    outputFields: (t) => ({
      toolkit: t.field({ type: ToolkitRef, description: 'The new toolkit.', resolve: (p) => p.toolkit }),
    }),
  },
);
