import { updateSession } from '../domain/access/session-updates.js';
import { builder } from './builder.js';
import { SessionRef } from './session.js';

builder.relayMutationField(
  'updateSession',
  {
    description: 'Input of updateSession. Omitted fields keep their value.',
    inputFields: (t) => ({
      id: t.globalID({ required: true, for: SessionRef, description: 'The session.' }),
      toolkits: t.stringList({ description: 'Toolkit slugs the session may connect; an empty list allows any.' }),
      expiresAt: t.field({
        type: 'DateTime',
        description: 'When the session and its client token stop working (in the future); null for never.',
      }),
      displayName: t.string({ description: "The end user's name, shown on the hosted page instead of userId; null to show userId." }),
    }),
  },
  {
    description: 'Changes what a session may connect, how long it lives, and the name its hosted pages show. Project API key only.',
    authScopes: { project: true },
    resolve: async (_root, { input }, ctx) => ({
      session: await updateSession(ctx.deps, ctx.principal, {
        id: input.id.id,
        toolkits: input.toolkits,
        expiresAt: input.expiresAt,
        displayName: input.displayName,
      }),
    }),
  },
  {
    description: 'Result of updateSession.',
    outputFields: (t) => ({
      session: t.field({ type: SessionRef, description: 'The session as it is now.', resolve: (p) => p.session }),
    }),
  },
);
