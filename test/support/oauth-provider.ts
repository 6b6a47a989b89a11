// A real OAuth 2 / OIDC authorization server on loopback for tests: panva's oidc-provider 9
// (devDependency) with its development login/consent pages ("devInteractions"), which
// test/support/browser.ts clicks through.
//
// oidc-provider 9 officially needs Node >= 22 but runs on Node 20.20 (it uses URL.parse and
// crypto.hash, both present); see /work/shared/research/grant-oauth.md section 2.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Provider as ProviderInstance, ProviderContext } from 'oidc-provider';

export interface OAuthProviderOptions {
  /**
   * Confidential clients (authorization_code + refresh_token). They are registered with
   * client_secret_post (grant's default), but oidc-provider 9 accepts client_secret_basic from a
   * client registered with either secret method, so both work at the token/revocation endpoints.
   */
  clients: { clientId: string; clientSecret: string; redirectUris: string[] }[];
  // The provider is built on its first request, so redirect URIs known only once the app has
  // created a toolkit (its own callback path) may still be pushed into `redirectUris` until then.
  /** Issue a new refresh token on every refresh and reject reuse of a used one (revoking the whole grant). Default false. */
  rotateRefreshToken?: boolean;
  /** Access token lifetime (expires_in). Default 3600. */
  accessTokenTtlSeconds?: number;
  /** Extra scopes the provider accepts besides openid/offline_access (and email/profile), e.g. ['contacts.read']. */
  scopes?: string[];
  /** Listen address, default '127.0.0.1'. */
  host?: string;
  /**
   * Serve the OAuth endpoints only under `/t/<tenant>` (as multi-tenant providers put a tenant or
   * realm in the path): the returned URLs include it, and the same endpoints without it, or
   * under any other tenant, answer 404.
   */
  tenant?: string;
  /**
   * Insist on this client authentication at the token and revocation endpoints, as some real
   * providers do (oidc-provider itself accepts either): requests using the other one get 401
   * invalid_client. With client_secret_basic, like those providers, the header must hold a
   * client's `id:secret` as registered, not form-encoded. Default: either is accepted.
   */
  clientAuth?: 'client_secret_post' | 'client_secret_basic';
}

export interface OAuthProvider {
  /** e.g. http://127.0.0.1:PORT */
  issuer: string;
  /** Authorization endpoint (`/auth`). */
  authorizeUrl: string;
  /** Token endpoint (`/token`). */
  tokenUrl: string;
  /** Revocation endpoint (`/token/revocation`). */
  revokeUrl: string;
  /** UserInfo endpoint (`/me`): { sub, email: `${sub}@example.com`, email_verified, name }. */
  userInfoUrl: string;
  /** Number of token endpoint requests by grant_type so far, e.g. { authorization_code: 1, refresh_token: 3 } */
  tokenRequests(): Record<string, number>;
  /**
   * Revokes every grant (of the given account, or of all accounts) together with its access and
   * refresh tokens, so the next refresh fails with invalid_grant.
   */
  revokeAll(accountId?: string): Promise<void>;
  close(): Promise<void>;
}

const ROUTES = {
  authorization: '/auth',
  token: '/token',
  revocation: '/token/revocation',
  userinfo: '/me',
} as const;

// oidc-provider prints "oidc-provider WARNING/NOTICE: …" lines through console.warn/info when it is
// imported on Node < 22 and when a Provider is constructed with its development defaults
// (in-memory adapter, dev signing keys, devInteractions). The config below replaces every default
// function that would print a "you SHOULD change it" notice at request time, so silencing the
// import and the constructor covers all of them.
function quietly<T>(fn: () => T): T {
  const { warn, info } = console;
  const filter = (original: (...args: unknown[]) => void) => (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes('oidc-provider ')) return;
    original.apply(console, args);
  };
  console.warn = filter(warn);
  console.info = filter(info);
  const restore = () => {
    console.warn = warn;
    console.info = info;
  };
  try {
    const result = fn();
    if (result instanceof Promise) {
      return result.finally(restore) as T;
    }
    restore();
    return result;
  } catch (error) {
    restore();
    throw error;
  }
}

let providerModule: Promise<typeof import('oidc-provider')> | undefined;

function loadProviderModule(): Promise<typeof import('oidc-provider')> {
  providerModule ??= quietly(() => import('oidc-provider'));
  return providerModule;
}

const escapeHtml = (value: unknown): string =>
  String(value).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function displayName(sub: string): string {
  return sub.length ? sub[0]!.toUpperCase() + sub.slice(1) : sub;
}

function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export async function startOAuthProvider(options: OAuthProviderOptions): Promise<OAuthProvider> {
  const { default: Provider } = await loadProviderModule();
  const host = options.host ?? '127.0.0.1';
  const accessTokenTtl = options.accessTokenTtlSeconds ?? 3600;
  const rotate = options.rotateRefreshToken ?? false;

  // Listen first: the issuer (and so every URL the provider renders) needs the port.
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const prefix = options.tenant === undefined ? '' : `/t/${options.tenant}`;
  const server = createServer((req, res) => {
    if (prefix) {
      const [path = '/', query] = (req.url ?? '/').split(/\?(.*)/s);
      const inTenant = path.startsWith(`${prefix}/`);
      const endpoints: string[] = Object.values(ROUTES);
      if (!inTenant && (path.startsWith('/t/') || endpoints.includes(path))) return void res.writeHead(404).end('unknown tenant');
      if (inTenant) req.url = path.slice(prefix.length) + (query === undefined ? '' : `?${query}`);
    }
    if (options.clientAuth && req.method === 'POST' && /^\/token(\/revocation)?$/.test((req.url ?? '').split('?')[0]!)) {
      const basic = /^Basic (.*)$/i.exec(req.headers.authorization ?? '');
      const decoded = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8') : null;
      const asRegistered = options.clients.some((client) => decoded === `${client.clientId}:${client.clientSecret}`);
      if (options.clientAuth === 'client_secret_basic' ? !asRegistered : basic !== null) {
        res.writeHead(401, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ error: 'invalid_client', error_description: `use ${options.clientAuth}` }));
      }
    }
    if (handler) handler(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${formatHost(host)}:${port}`;

  const configuration = () => ({
    clients: options.clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: client.redirectUris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    })),
    scopes: ['openid', 'offline_access', ...(options.scopes ?? [])],
    // Standard claims are released with plain `openid` too, so a profile call needs no extra scopes.
    claims: {
      openid: ['sub', 'email', 'email_verified', 'name'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    async findAccount(_ctx: unknown, sub: string) {
      return {
        accountId: sub,
        async claims() {
          return { sub, email: `${sub}@example.com`, email_verified: true, name: displayName(sub) };
        },
      };
    },
    features: {
      devInteractions: { enabled: true }, // any login/password; the login becomes `sub`
      revocation: {
        enabled: true,
        // Same as the default policy, minus its "you SHOULD change it" notice.
        async allowedPolicy(_ctx: unknown, client: { clientId: string }, token: { clientId: string }) {
          return token.clientId === client.clientId;
        },
      },
      userinfo: { enabled: true },
    },
    pkce: { required: () => true }, // oidc-provider 9 only supports S256
    // The default only issues refresh tokens for `offline_access`, which it drops unless
    // prompt=consent is requested; real providers (Google with access_type=offline, GitHub apps,
    // Salesforce…) simply issue one.
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    // Without offline_access tokens would otherwise die with the provider's login session.
    expiresWithSession: async () => false,
    rotateRefreshToken: () => rotate,
    // The default loadExistingGrant reuses the session's grant, so a second authorization by the
    // same browser skips login and consent (like a real provider remembering the user).
    cookies: { keys: [randomBytes(24).toString('base64url')] },
    ttl: {
      AccessToken: accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 14 * 24 * 3600,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
    },
    routes: ROUTES,
    async renderError(ctx: ProviderContext, out: Record<string, unknown>) {
      ctx.type = 'html';
      ctx.body = `<!DOCTYPE html><html><head><title>oauth error</title></head><body>${Object.entries(out)
        .map(([key, value]) => `<pre><strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}</pre>`)
        .join('')}</body></html>`;
    },
  });

  const counts: Record<string, number> = {};
  const grants = new Map<string, string>(); // grantId -> accountId
  let built: ProviderInstance | undefined;
  const instance = (): ProviderInstance => (built ??= build());
  let callback: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  handler = (req, res) => (callback ??= instance().callback())(req, res);

  function build(): ProviderInstance {
    const provider: ProviderInstance = quietly(() => new Provider(issuer, configuration()));

    // provider.use() inserts the middleware before the provider's router, so after `await next()`
    // the request has been handled and ctx.oidc.body holds the parsed form (errors are already
    // turned into responses by then, so failed requests are counted too).
    provider.use(async (ctx, next) => {
      try {
        await next();
      } finally {
        if (ctx.method === 'POST' && ctx.path === ROUTES.token) {
          const grantType = ctx.oidc?.body?.grant_type;
          const key = typeof grantType === 'string' && grantType ? grantType : 'unknown';
          counts[key] = (counts[key] ?? 0) + 1;
        }
      }
    });

    provider.on('grant.saved', (grant) => {
      grants.set(grant.jti, grant.accountId);
    });
    return provider;
  }

  return {
    issuer,
    authorizeUrl: `${issuer}${prefix}${ROUTES.authorization}`,
    tokenUrl: `${issuer}${prefix}${ROUTES.token}`,
    revokeUrl: `${issuer}${prefix}${ROUTES.revocation}`,
    userInfoUrl: `${issuer}${prefix}${ROUTES.userinfo}`,
    tokenRequests: () => ({ ...counts }),
    async revokeAll(accountId?: string) {
      for (const [grantId, owner] of [...grants]) {
        if (accountId !== undefined && owner !== accountId) continue;
        const provider = instance();
        await Promise.all([
          provider.AccessToken.revokeByGrantId(grantId),
          provider.RefreshToken.revokeByGrantId(grantId),
          provider.Grant.adapter.destroy(grantId),
        ]);
        grants.delete(grantId);
      }
    },
    async close() {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections(); // fetch keeps sockets alive
      });
    },
  };
}
