import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { z } from 'zod';
import { grantProviders, readJsonPath } from '../catalog/index.js';
import type { PrismaClient } from '../db/index.js';
import { issuerMatches } from '../domain/toolkits/oauth-issuer.js';
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
  /** The grant provider whose dance this is (its own for catalog providers grant knows, else oauth1/oauth2). */
  grantProvider: string;
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
  /** The issuer a callback's `iss` must name (RFC 9207); null: any at the authorization endpoint's origin. */
  issuer: string | null;
  /** Provider-specific authorization parameters (Google's access_type, Slack's user_scope…); never the standard ones. */
  authorizeParams: Readonly<Record<string, string>>;
  /** Dot paths to the tokens when the response lacks the standard fields (Slack's `authed_user`); null: standard only. */
  tokenPaths: TokenPaths | null;
}

/** Where a non-standard token response keeps each token field, as dot paths into its JSON. */
export interface TokenPaths {
  accessToken?: string;
  refreshToken?: string;
  expiresIn?: string;
  scope?: string;
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
      /** The token endpoint's whole JSON answer, for values the catalog reads from it (Salesforce's instance_url). */
      response: Record<string, unknown>;
    }
  /** The provider's answer to this browser's own request, refusing: the flow is over. */
  | { kind: 'error'; reason: string; description: string | null }
  /** Not an answer to this browser's request (no state, wrong state or issuer, no code): the flow goes on. */
  | { kind: 'ignored'; why: string };

/** What one flow keeps between its start and its callback; nothing else a request carries is stored. */
// A type, not an interface: it is stored as JSON.
type FlowSession = {
  provider?: string;
  state?: string;
  nonce?: string;
  code_verifier?: string;
  request?: { oauth_token?: string; oauth_token_secret?: string };
};

const MAX_SESSION_VALUE = 4096;

function pickStrings<K extends string>(source: unknown, keys: readonly K[]): Partial<Record<K, string>> {
  if (!source || typeof source !== 'object') return {};
  const values = source as Record<string, unknown>;
  return Object.fromEntries(
    keys.flatMap((key) => {
      const value = Object.hasOwn(values, key) ? values[key] : undefined;
      return typeof value === 'string' && value.length <= MAX_SESSION_VALUE ? [[key, value]] : [];
    }),
  ) as Partial<Record<K, string>>;
}

/**
 * The part of grant's session a flow needs: its provider, state, nonce and PKCE verifier, and an
 * OAuth 1 request token. grant would also keep the start request's query or body ("dynamic")
 * and the provider's whole request-token answer; none of that is persisted.
 */
function persistedSession(data: unknown): { grant: FlowSession } {
  const grantSession = (data as { grant?: unknown } | null)?.grant;
  const request = pickStrings((grantSession as { request?: unknown } | undefined)?.request, ['oauth_token', 'oauth_token_secret']);
  return {
    grant: {
      ...pickStrings(grantSession, ['provider', 'state', 'nonce', 'code_verifier']),
      ...(Object.keys(request).length > 0 ? { request } : {}),
    },
  };
}

function sameSecret(given: string | null, expected: string | undefined): boolean {
  if (given === null || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A GET of `url` with the browser's cookies: grant sees no body and no parameter we did not choose. */
function cleanRequest(req: IncomingMessage, url: string): IncomingMessage {
  return { url, method: 'GET', headers: req.headers } as IncomingMessage;
}

// RFC 6749 error codes are printable ASCII; anything else is not echoed into statuses and events.
const ERROR_CODE = /^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,100}$/;

function providerRefusal(error: string, description: string | null): Extract<OAuthOutcome, { kind: 'error' }> {
  return {
    kind: 'error',
    reason: ERROR_CODE.test(error) ? error : 'oauth_flow_error',
    description: description === null ? null : description.slice(0, 500),
  };
}

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
    // Provider endpoints are https (http only on loopback development servers, which name their port): with
    // defaultPort the request's `Host` names no port (node:http would say :80), and egress connects to 443.
    request: { createConnection: options.createConnection, defaultPort: 443 },
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
        set: async (sid: string, data: unknown) => {
          const expiresAt = new Date(Date.now() + ttlMs);
          const kept = persistedSession(data);
          await prisma.oAuthSession.upsert({
            where: { id: sid },
            create: { id: sid, data: kept, expiresAt },
            update: { data: kept, expiresAt },
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
      // grant drops empty values; the catalog schema keeps the standard parameters out of these.
      ...(Object.keys(flow.authorizeParams).length > 0 ? { custom_params: { ...flow.authorizeParams } } : {}),
    };
  }

  /** This browser's flow session (grant's node handler hands it out for any path it does not serve). */
  async function sessionOf(req: IncomingMessage, res: ServerResponse) {
    const { session } = await handler(cleanRequest(req, '/'), res);
    return { data: persistedSession(await session.get()).grant, remove: () => session.remove() };
  }

  /** Sends the browser to the provider (OAuth 1: after getting a request token). */
  async function start(req: IncomingMessage, res: ServerResponse, flow: OAuthFlowSettings): Promise<OAuthOutcome> {
    const result = await handler(cleanRequest(req, `/connect/${flow.grantProvider}`), res, { dynamic: overrideFor(flow) });
    if (result.redirect) return { kind: 'redirected' };
    await result.session.remove();
    return { kind: 'error', ...describeError((result.response ?? {}) as { error?: unknown }) };
  }

  /**
   * Finishes the flow from the callback's parameters. Credentials only ever come from our own
   * exchange: OAuth 2 a `code` with this browser's exact `state` (and, when the provider names
   * itself, the right `iss`), OAuth 1 the request token we got plus its verifier. Tokens in the
   * callback itself, and anything else, are ignored and leave the flow as it was.
   */
  async function finish(
    req: IncomingMessage,
    res: ServerResponse,
    flow: OAuthFlowSettings,
    params: URLSearchParams,
  ): Promise<Exclude<OAuthOutcome, { kind: 'redirected' }>> {
    const { data: session, remove } = await sessionOf(req, res);
    // A refusal answering this browser's own request ends the flow, and its session with it.
    const ended = async (outcome: Extract<OAuthOutcome, { kind: 'error' }>) => {
      await remove();
      return outcome;
    };
    if (session.provider !== flow.grantProvider) return { kind: 'ignored', why: 'no flow started in this browser' };
    let query: Record<string, string>;
    if (flow.version === 2) {
      const state = params.get('state');
      if (!sameSecret(state, session.state)) return { kind: 'ignored', why: 'state mismatch' };
      const iss = params.get('iss');
      if (iss !== null && !issuerMatches(iss, flow)) return { kind: 'ignored', why: 'issuer mismatch' };
      const error = params.get('error');
      if (error !== null) return ended(providerRefusal(error, params.get('error_description')));
      const code = params.get('code');
      if (!code) return { kind: 'ignored', why: 'no code' };
      query = { code, state: state! };
    } else {
      const requestToken = session.request?.oauth_token;
      const token = params.get('oauth_token');
      // Providers that let the user refuse say so with the request token (`denied=<token>`).
      if (sameSecret(params.get('denied'), requestToken)) return ended(providerRefusal('access_denied', null));
      const verifier = params.get('oauth_verifier');
      if (!sameSecret(token, requestToken) || !verifier) return { kind: 'ignored', why: 'request token mismatch' };
      query = { oauth_token: token!, oauth_verifier: verifier };
    }
    const callback = `/connect/${flow.grantProvider}/callback?${new URLSearchParams(query)}`;
    const result = await handler(cleanRequest(req, callback), res, { dynamic: overrideFor(flow) });
    // The flow is over: its state, PKCE verifier and OAuth 1 request secret go with it.
    await result.session.remove();
    if (result.redirect) throw new Error('grant redirected from a callback');
    return outcomeOf(result.response, flow.tokenPaths);
  }

  return { start, finish };
}

/**
 * grant's answer with the token fields a non-standard response keeps elsewhere (Slack's user-token-only install puts
 * them under `authed_user`) moved where the standard ones go; standard fields that are present win.
 */
function withTokenPaths(answer: Record<string, unknown>, paths: TokenPaths | null): Record<string, unknown> {
  if (!paths) return answer;
  const raw = answer.raw && typeof answer.raw === 'object' ? (answer.raw as Record<string, unknown>) : {};
  const read = (path: string | undefined) => (path ? readJsonPath(raw, path) : undefined);
  return {
    ...answer,
    access_token: answer.access_token ?? read(paths.accessToken),
    refresh_token: answer.refresh_token ?? read(paths.refreshToken),
    raw: { ...raw, expires_in: raw.expires_in ?? read(paths.expiresIn), scope: raw.scope ?? read(paths.scope) },
  };
}

function outcomeOf(response: unknown, paths: TokenPaths | null): Exclude<OAuthOutcome, { kind: 'redirected' | 'ignored' }> {
  const answer = (response ?? {}) as { error?: unknown };
  if (answer.error !== undefined) return { kind: 'error', ...describeError(answer) };
  const parsed = tokenResponseSchema.safeParse(withTokenPaths(answer, paths));
  if (!parsed.success) {
    return { kind: 'error', reason: 'invalid_token_response', description: 'The provider sent no usable token.' };
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
    response: tokens.raw ?? {},
  };
}

/** What an OAuth error code looks like (RFC 6749 §5.2 names them in snake_case). */
const OAUTH_ERROR_CODE = /^[a-z][a-z0-9_.-]{0,63}$/;

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
    // Not an OAuth error code but the text of a failed request ("connect ECONNREFUSED 10.0.0.5:8443"):
    // it names hosts and ports, and the reason is shown to whoever reads the account.
    if (!OAUTH_ERROR_CODE.test(error)) return { reason: 'token_exchange_failed', description: null };
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
