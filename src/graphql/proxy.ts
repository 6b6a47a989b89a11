import { proxyRequest } from '../domain/connections/proxy.js';
import { builder } from './builder.js';
import { ConnectedAccountRef } from './connected-account.js';
import { NameValueInput, NameValueRef } from './name-value.js';

builder.relayMutationField(
  'proxyRequest',
  {
    description: 'Input of proxyRequest.',
    inputFields: (t) => ({
      connectedAccountId: t.globalID({ required: true, for: ConnectedAccountRef, description: 'The ACTIVE account to call as.' }),
      method: t.string({ required: true, description: 'GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS.' }),
      path: t.string({
        required: true,
        description: "Path under the toolkit's API base URL, e.g. `/user` (a `?query` allowed); it cannot leave the base.",
      }),
      query: t.field({ type: [NameValueInput], description: 'Query parameters to add.' }),
      headers: t.field({
        type: [NameValueInput],
        description: 'Request headers. Hop-by-hop and cookie headers are dropped; credential headers are set by the server.',
      }),
      body: t.string({ description: 'Request body (text, at most 5 MB).' }),
      timeoutMs: t.int({ description: 'Milliseconds to wait for the whole exchange (at most and by default 30000).' }),
    }),
  },
  {
    description:
      "Calls the toolkit's API as the connected account: the server adds the account's credentials (the caller never sees them), refreshes once and retries on a 401, follows redirects on the API's host only. API key, or a session client token for its own user's accounts.",
    authScopes: { project: true, session: true },
    resolve: (_root, { input }, ctx) =>
      proxyRequest(ctx.deps, ctx.principal, {
        connectedAccountId: input.connectedAccountId.id,
        method: input.method,
        path: input.path,
        query: input.query ?? [],
        headers: input.headers ?? [],
        body: input.body,
        timeoutMs: input.timeoutMs,
      }),
  },
  {
    description: "The API's answer.",
    outputFields: (t) => ({
      status: t.exposeInt('status', { description: 'HTTP status code.' }),
      headers: t.field({
        type: [NameValueRef],
        description: 'Response headers, without hop-by-hop, cookie and content-encoding headers.',
        resolve: (p) => p.headers,
      }),
      body: t.exposeString('body', { description: 'Response body as UTF-8 text (at most 5 MB).' }),
      json: t.field({
        type: 'JSON',
        nullable: true,
        description: 'The body parsed, when its content type is JSON and it parses; null otherwise.',
        resolve: (p) => p.json ?? null,
      }),
    }),
  },
);
