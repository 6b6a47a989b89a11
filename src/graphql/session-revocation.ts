import { revokeSession } from '../domain/access/session-revocation.js';
import { builder } from './builder.js';
import { SessionRef } from './session.js';

builder.relayMutationField(
  'revokeSession',
  {
    description: 'Input of revokeSession.',
    inputFields: (t) => ({
      id: t.globalID({ required: true, for: SessionRef, description: 'The session to end.' }),
    }),
  },
  {
    description:
      "Ends a session now: its client token is refused, and its open WebSockets and SSE subscriptions close on every instance. Revoking again changes nothing. Project API key only.",
    authScopes: { project: true },
    resolve: async (_root, { input }, ctx) => ({ session: await revokeSession(ctx.deps, ctx.principal, { id: input.id.id }) }),
  },
  {
    description: 'Result of revokeSession.',
    outputFields: (t) => ({
      session: t.field({ type: SessionRef, description: 'The revoked session.', resolve: (p) => p.session }),
    }),
  },
);
