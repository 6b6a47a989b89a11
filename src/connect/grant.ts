import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { z } from 'zod';
import { grantProviders } from '../catalog/index.js';
import type { PrismaClient } from '../db/index.js';
import type { Egress } from '../egress/index.js';
import type { TokenAuthMethod } from '../generated/prisma/client.js';

// The only module that knows grant: the OAuth 1/2 redirect dance. Replacing grant means
// rewriting this file and nothing else.
const require = createRequire(import.meta.url);
const grant = require('grant') as { node(options: unknown): GrantHandler };

type GrantHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  state?: { dynamic: Record<string, unknown> },
) => Promise<{
  redirect?: boolean;
  response?: unknown;
  session: { get(): Promise<{ grant?: { state?: string } }>; remove(): Promise<void> };
}>;

/** Where one flow goes, computed server-side per request; never taken from the query string. */
export interface OAuthFlowSettings {
  version: 1 | 2;
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  requestTokenUrl: string | null;
  scopes: readonly string[];
  scopeDelimiter: string;
  pkce: boolean;
  /** How the client authenticates when exchanging the code (OAuth 2). */
  tokenAuthMethod: TokenAuthMethod;
  redirectUri: string;
}

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).nullish(),
  id_token: z.string().nullish(),
  access_secret: z.string().nullish(),
  raw: z
    .object({
      expires_in: z.coerce.number().positive().nullish(),
      scope: z.string().nullish(),
      token_type: z.string().nullish(),
    })
    .loose()
    .nullish(),
});

export type OAuthOutcome =
  | { kind: 'redirected' }
  | {
      kind: 'tokens';
      accessToken: string;
      refreshToken: string | null;
      accessSecret: string | null;
      idToken: string | null;
      tokenType: string;
      expiresIn: number | null;
      grantedScope: string | null;
    }
  | { kind: 'error'; reason: string; description: string | null; stateMatches: boolean };

/** An OAuth dance runner on grant's node handler, with its session in the OAuthSession table. */
export function createOAuthDance(options: {
  prisma: PrismaClient;
  publicUrl: string;
  secret: string;
  /** Opens grant's connections (code exchange, OAuth 1 request token) through the egress policy. */
  createConnection: Egress['createConnection'];
}) {
  const { prisma } = options;
  const ttlMs = 30 * 60 * 1000;
  const secure = options.publicUrl.startsWith('https:');
  const provider = { dynamic: [] as string[] };
  const handler = grant.node({
    // Spread by grant into every request-compose call, and passed on to node:http.
    request: { createConnection: options.createConnection },
    config: {
      defaults: {
        origin: options.publicUrl,
        prefix: '/connect',
        transport: 'state',
        state: true,
        pkce: true,
        response: ['tokens', 'raw'],
        // HTTP overrides are never honoured: everything comes from the server-side state.
        dynamic: [],
      },
      oauth2: { ...provider, oauth: 2 },
      oauth1: { ...provider, oauth: 1 },
      ...Object.fromEntries(Object.keys(grantProviders).map((name) => [name, provider])),
    },
    session: {
      name: 'connect_oauth',
      secret: options.secret,
      cookie: { path: '/connect', httpOnly: true, sameSite: 'lax', secure, maxAge: ttlMs / 1000 },
      store: {
        get: async (sid: string) =>
          (await prisma.oAuthSession.findFirst({ where: { id: sid, expiresAt: { gt: new Date() } } }))?.data,
        set: async (sid: string, data: object) => {
          const expiresAt = new Date(Date.now() + ttlMs);
          await prisma.oAuthSession.upsert({
            where: { id: sid },
            create: { id: sid, data, expiresAt },
            update: { data, expiresAt },
          });
        },
        remove: async (sid: string) => {
          await prisma.oAuthSession.deleteMany({ where: { id: sid } });
        },
      },
    },
  });

  function overrideFor(flow: OAuthFlowSettings): Record<string, unknown> {
    return {
      key: flow.clientId,
      secret: flow.clientSecret,
      authorize_url: flow.authorizeUrl,
      access_url: flow.tokenUrl,
      ...(flow.requestTokenUrl ? { request_url: flow.requestTokenUrl } : {}),
      scope: [...flow.scopes],
      scope_delimiter: flow.scopeDelimiter,
      pkce: flow.version === 2 && flow.pkce,
      ...(flow.tokenAuthMethod === 'CLIENT_SECRET_BASIC' ? { token_endpoint_auth_method: 'client_secret_basic' } : {}),
      redirect_uri: flow.redirectUri,
    };
  }

  /** Runs grant on `/connect/<provider>` or its callback with this flow's settings. */
  async function run(req: IncomingMessage, res: ServerResponse, flow: OAuthFlowSettings): Promise<OAuthOutcome> {
    const result = await handler(req, res, { dynamic: overrideFor(flow) });
    if (result.redirect) return { kind: 'redirected' };
    const outcome = await outcomeOf(req, result);
    // The flow is over: its state, PKCE verifier and OAuth 1 request secret go with it. A forged
    // error that does not carry the state leaves the real flow's session alone.
    if (outcome.kind === 'tokens' || (outcome.kind === 'error' && outcome.stateMatches)) await result.session.remove();
    return outcome;
  }

  async function outcomeOf(
    req: IncomingMessage,
    result: Awaited<ReturnType<GrantHandler>>,
  ): Promise<Exclude<OAuthOutcome, { kind: 'redirected' }>> {
    const response = (result.response ?? {}) as { error?: unknown };
    if (response.error !== undefined) {
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      const session = await result.session.get();
      const expectedState = session.grant?.state;
      const { reason, description } = describeError(response);
      return { kind: 'error', reason, description, stateMatches: !!expectedState && query.get('state') === expectedState };
    }
    const parsed = tokenResponseSchema.safeParse(response);
    if (!parsed.success) {
      return { kind: 'error', reason: 'invalid_token_response', description: 'The provider sent no usable token.', stateMatches: true };
    }
    const tokens = parsed.data;
    return {
      kind: 'tokens',
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token ?? null,
      accessSecret: tokens.access_secret ?? null,
      idToken: tokens.id_token ?? null,
      tokenType: tokens.raw?.token_type ?? 'Bearer',
      expiresIn: tokens.raw?.expires_in ?? null,
      grantedScope: tokens.raw?.scope ?? null,
    };
  }

  return { run };
}

/**
 * grant reports a provider's refusal as the callback's query (`error=access_denied&…`), a
 * failed token request as `{ error: <body> }`, and its own failures as a "Grant: …" string.
 */
function describeError(response: { error?: unknown; error_description?: unknown }): {
  reason: string;
  description: string | null;
} {
  const error = response.error;
  if (typeof error === 'string') {
    if (error.startsWith('Grant:')) return { reason: 'oauth_flow_error', description: error.replace(/^Grant:\s*/, '') };
    return {
      reason: error,
      description: typeof response.error_description === 'string' ? response.error_description : null,
    };
  }
  if (error && typeof error === 'object') {
    const body = error as { error?: unknown; error_description?: unknown };
    return {
      reason: typeof body.error === 'string' ? body.error : 'token_exchange_failed',
      description: typeof body.error_description === 'string' ? body.error_description : null,
    };
  }
  return { reason: 'oauth_flow_error', description: null };
}
