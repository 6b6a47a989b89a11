import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import { getDatamodel, type default as PrismaTypes } from '../generated/pothos-prisma-types.js';
import { parsePublicId, publicId } from '../domain/public-ids.js';
import type { Context } from './context.js';
import { complexityError, fieldComplexity, limitsOf } from './limits.js';

/** The one schema builder. It holds plugins and conventions only; types live in their own files. */
export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: { project: boolean; session: boolean };
  DefaultFieldNullability: false;
  Scalars: { DateTime: { Input: Date; Output: Date }; JSON: { Input: unknown; Output: unknown } };
}>({
  plugins: [ComplexityPlugin, ScopeAuthPlugin, PrismaPlugin, RelayPlugin],
  defaultFieldNullability: false,
  // Checked in every root resolver, so on every transport; see limits.ts for the cost model.
  complexity: {
    fieldComplexity,
    limit: (ctx) => limitsOf(ctx),
    complexityError,
  },
  scopeAuth: {
    // `project`: a project API key. `session`: a session client token (resolvers then check
    // that the object belongs to that session).
    authScopes: (ctx) => ({ project: ctx.principal.kind === 'apiKey', session: ctx.principal.kind === 'session' }),
    authorizeOnSubscribe: true,
    unauthorizedError: () =>
      new GraphQLError('This operation needs a project API key.', { extensions: { code: 'FORBIDDEN' } }),
  },
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'warn',
  },
  relay: {
    // One format for every ID the server hands out (src/domain/public-ids.ts).
    encodeGlobalID: (typename, id) => publicId(typename, id),
    decodeGlobalID: (globalID) => parsePublicId(globalID),
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeTypeOptions: { description: 'An object with a globally unique ID, fetchable with `node(id)`.' },
    nodeQueryOptions: {
      description: 'Fetches any object by its global ID; null when it is not visible to the caller.',
      args: { id: { description: 'A global ID.' } },
    },
    nodesQueryOptions: {
      description: 'Fetches several objects by their global IDs, in order.',
      args: { ids: { description: 'Global IDs.' } },
    },
    idFieldOptions: { description: 'The global ID of this object.' },
    pageInfoTypeOptions: { description: 'Where a page of a connection sits in the whole list.' },
    pageInfoFieldOptions: { description: 'Pagination state of this page.' },
    hasNextPageFieldOptions: { description: 'Whether more items follow this page.' },
    hasPreviousPageFieldOptions: { description: 'Whether items precede this page.' },
    startCursorFieldOptions: { description: 'Cursor of the first item of this page.' },
    endCursorFieldOptions: { description: 'Cursor of the last item of this page; pass it as `after` for the next page.' },
    cursorFieldOptions: { description: 'Opaque cursor of this item.' },
    nodeFieldOptions: { description: 'The item.' },
    edgesFieldOptions: { description: 'The items of this page, with their cursors.' },
    firstArgOptions: { description: 'Returns at most this many items (default 20, at most 100).' },
    afterArgOptions: { description: 'Returns items after this cursor.' },
    lastArgOptions: { description: 'Returns at most this many items from the end.' },
    beforeArgOptions: { description: 'Returns items before this cursor.' },
    mutationInputArgOptions: { description: 'The input of this mutation.' },
  },
});

builder.queryType({ description: 'Reads. Every field needs an API key or a session client token.' });
builder.mutationType({ description: 'Writes. Every field takes one `input` argument.' });
builder.subscriptionType({ description: 'Live updates, over graphql-ws or Server-Sent Events.' });

builder.scalarType('DateTime', {
  description: 'An instant, as an ISO 8601 string in UTC.',
  serialize: (value) => value.toISOString(),
  parseValue: (value) => {
    const date = new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new GraphQLError('DateTime must be an ISO 8601 string.');
    return date;
  },
});

builder.scalarType('JSON', {
  description: 'Any JSON value, as is (output only: an API answer passed through).',
  serialize: (value) => value,
  parseValue: () => {
    throw new GraphQLError('JSON is an output type.');
  },
});
