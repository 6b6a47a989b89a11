import { createApiKey, revokeApiKey } from '../domain/access/api-keys.js';
import { builder } from './builder.js';
import { projectIdOf } from './context.js';

export const ApiKeyRef = builder.prismaNode('ApiKey', {
  description:
    'A key that authenticates calls for this project. The server keeps only its hash and prefix: the key itself is returned once, by createApiKey.',
  id: { field: 'id' },
  // Objects the caller may not see resolve to null in node(id), as if they did not exist.
  nullable: true,
  authScopes: { project: true },
  findUnique: (id, ctx) => ({ id, projectId: projectIdOf(ctx) }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'What the key is for.' }),
    prefix: t.exposeString('prefix', {
      description: 'The first characters of the key, to recognise it by: 12 of a key created here, at most 4 of the ADMIN_API_KEY.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the key was created.' }),
    lastUsedAt: t.expose('lastUsedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the key last authenticated a call, to the minute; null if never.',
    }),
    revokedAt: t.expose('revokedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the key was revoked; null while it works.',
    }),
    isCurrent: t.boolean({
      description: 'Whether this is the key making this call.',
      resolve: (key, _args, ctx) => ctx.principal.kind === 'apiKey' && ctx.principal.apiKeyId === key.id,
    }),
  }),
});

builder.queryField('apiKeys', (t) =>
  t.prismaConnection(
    {
      type: 'ApiKey',
      cursor: 'id',
      authScopes: { project: true },
      description: "This project's API keys, revoked ones included, newest first.",
      resolve: (query, _parent, _args, ctx) =>
        ctx.prisma.apiKey.findMany({
          ...query,
          where: { projectId: projectIdOf(ctx) },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        }),
    },
    { name: 'ApiKeyConnection', description: 'A page of API keys.' },
    { name: 'ApiKeyEdge', description: 'An API key in a page.' },
  ),
);

builder.relayMutationField(
  'createApiKey',
  {
    description: 'Input of createApiKey.',
    inputFields: (t) => ({
      name: t.string({ required: true, description: 'What the key is for, 1 to 100 characters.' }),
    }),
  },
  {
    description: 'Creates an API key for this project and returns it, once.',
    authScopes: { project: true },
    resolve: (_root, { input }, ctx) => createApiKey(ctx.deps, ctx.principal, input),
  },
  {
    description: 'Result of createApiKey.',
    outputFields: (t) => ({
      apiKey: t.field({ type: ApiKeyRef, description: 'The new key (without its secret).', resolve: (p) => p.apiKey }),
      key: t.string({
        description: 'The key, to send as `Authorization: Bearer <key>`. Shown only here: store it now.',
        resolve: (p) => p.key,
      }),
    }),
  },
);

builder.relayMutationField(
  'revokeApiKey',
  {
    description: 'Input of revokeApiKey.',
    inputFields: (t) => ({
      id: t.globalID({ required: true, for: ApiKeyRef, description: 'The key to revoke.' }),
      revokeCurrentKey: t.boolean({
        description:
          'Required to revoke the key making this call (CONFLICT otherwise): the call succeeds, and every later one with that key fails.',
      }),
    }),
  },
  {
    description:
      'Revokes an API key: calls with it fail with UNAUTHENTICATED from now on and its WebSocket connections are closed. Revoking a revoked key changes nothing.',
    authScopes: { project: true },
    resolve: async (_root, { input }, ctx) => ({
      apiKey: await revokeApiKey(ctx.deps, ctx.principal, { id: input.id.id, revokeCurrentKey: input.revokeCurrentKey }),
    }),
  },
  {
    description: 'Result of revokeApiKey.',
    outputFields: (t) => ({
      apiKey: t.field({ type: ApiKeyRef, description: 'The revoked key.', resolve: (p) => p.apiKey }),
    }),
  },
);
