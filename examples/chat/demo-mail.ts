// "Demo Mail": a stand-in mail provider on loopback, so the example runs without any account
// anywhere. It is a real OAuth 2 / OpenID Connect server (panva's oidc-provider, with its
// development login and consent pages: any login, any password) plus a tiny mail API that
// accepts its access tokens.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DemoMail {
  issuer: string;
  authorizeUrl: string;
  tokenUrl: string;
  userInfoUrl: string;
  /** GET with `authorization: Bearer <access token>`: `{ messages: [{ from, subject, preview }] }`. */
  messagesUrl: string;
  close(): Promise<void>;
}

export interface DemoMailOptions {
  host: string;
  port: number;
  /**
   * The OAuth client Connect uses. `redirectUris` may be filled after start (Connect names the
   * URI once the toolkit exists): the provider reads its clients on the first request.
   */
  client: { clientId: string; clientSecret: string; redirectUris: string[] };
}

function inboxOf(email: string) {
  return [
    { from: 'billing@cloudco.example', subject: 'Your invoice for November', preview: `Hi ${email}, your invoice of $42.00 is ready.` },
    { from: 'sam@team.example', subject: 'Standup moved to 10:30', preview: 'Tomorrow only, the room is taken at 9.' },
    { from: 'noreply@travel.example', subject: 'Your trip to Lisbon', preview: 'Check-in opens 24 hours before departure.' },
  ];
}

// oidc-provider prints development-mode notices through console.warn/info; the demo knows.
async function quietly<T>(fn: () => Promise<T> | T): Promise<T> {
  const { warn, info } = console;
  const filter = (original: (...args: unknown[]) => void) => (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes('oidc-provider ')) return;
    original.apply(console, args);
  };
  console.warn = filter(warn);
  console.info = filter(info);
  try {
    return await fn();
  } finally {
    console.warn = warn;
    console.info = info;
  }
}

export async function startDemoMail(options: DemoMailOptions): Promise<DemoMail> {
  const { default: Provider } = await quietly(() => import('oidc-provider'));
  let handler: Promise<(req: IncomingMessage, res: ServerResponse) => void> | undefined;
  const server = createServer((req, res) => {
    if (req.url === '/api/messages') return void serveMessages(req, res);
    // Built on the first request: by then Connect has named the redirect URI to register.
    handler ??= createProvider().then((provider) => provider.callback());
    void handler.then((handle) => handle(req, res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const issuer = `http://${options.host}:${(server.address() as AddressInfo).port}`;

  const createProvider = () =>
    quietly(
      () =>
        new Provider(issuer, {
          clients: [
            {
              client_id: options.client.clientId,
              client_secret: options.client.clientSecret,
              redirect_uris: options.client.redirectUris,
              grant_types: ['authorization_code', 'refresh_token'],
              response_types: ['code'],
              token_endpoint_auth_method: 'client_secret_post',
            },
          ],
          scopes: ['openid', 'offline_access', 'mail.read'],
          claims: { openid: ['sub', 'email', 'name'] },
          async findAccount(_ctx: unknown, sub: string) {
            return { accountId: sub, claims: async () => ({ sub, email: `${sub}@demo-mail.example`, name: sub }) };
          },
          features: { devInteractions: { enabled: true }, userinfo: { enabled: true } },
          pkce: { required: () => true },
          issueRefreshToken: async () => true,
          cookies: { keys: [randomBytes(24).toString('base64url')] },
          ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, RefreshToken: 14 * 86400, Interaction: 3600, Session: 14 * 86400, Grant: 14 * 86400 },
          routes: { authorization: '/auth', token: '/token', userinfo: '/me' },
        }),
    );

  // The mail API checks a token the way any resource server may: by asking the provider who it is.
  async function serveMessages(req: IncomingMessage, res: ServerResponse) {
    const me = await fetch(`${issuer}/me`, { headers: { authorization: req.headers.authorization ?? '' } });
    if (!me.ok) return void res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
    const { email } = (await me.json()) as { email: string };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messages: inboxOf(email) }));
  }

  return {
    issuer,
    authorizeUrl: `${issuer}/auth`,
    tokenUrl: `${issuer}/token`,
    userInfoUrl: `${issuer}/me`,
    messagesUrl: `${issuer}/api/messages`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
