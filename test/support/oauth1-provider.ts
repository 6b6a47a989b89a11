// A minimal OAuth 1.0a server on loopback for tests (no OAuth 1 server library is installed):
// temporary credentials, an authorization page that approves (or refuses) at once, and token
// credentials granted only for the request token it issued plus that token's verifier.
// Signatures are not checked: the tests are about what the client does with the callback.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OAuth1Provider {
  requestTokenUrl: string;
  /** Approves at once; with `?deny=1` in the URL the user refuses (`denied=<request token>`). */
  authorizeUrl: string;
  accessTokenUrl: string;
  /** The token credentials granted so far. */
  grantedTokens(): string[];
  close(): Promise<void>;
}

function oauthParams(req: IncomingMessage): Record<string, string> {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('OAuth ')) return {};
  return Object.fromEntries(
    [...header.slice(6).matchAll(/([a-z_]+)="([^"]*)"/g)].map((match) => [match[1]!, decodeURIComponent(match[2]!)]),
  );
}

export async function startOAuth1Provider(): Promise<OAuth1Provider> {
  const pending = new Map<string, { callback: string; verifier: string | null }>();
  const granted: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const form = (body: Record<string, string>) => {
      res.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded' });
      res.end(new URLSearchParams(body).toString());
    };
    req.resume();
    if (req.method === 'POST' && url.pathname === '/request_token') {
      const { oauth_callback: callback } = oauthParams(req);
      if (!callback) return void res.writeHead(400).end('oauth_callback missing');
      const token = `rt-${randomBytes(8).toString('hex')}`;
      pending.set(token, { callback, verifier: null });
      return form({ oauth_token: token, oauth_token_secret: `rts-${token}`, oauth_callback_confirmed: 'true' });
    }
    if (req.method === 'GET' && url.pathname === '/authorize') {
      const token = url.searchParams.get('oauth_token') ?? '';
      const request = pending.get(token);
      if (!request) return void res.writeHead(400).end('unknown request token');
      const back = new URL(request.callback);
      if (url.searchParams.get('deny') === '1') {
        back.searchParams.set('denied', token);
      } else {
        request.verifier = `v-${randomBytes(8).toString('hex')}`;
        back.searchParams.set('oauth_token', token);
        back.searchParams.set('oauth_verifier', request.verifier);
      }
      return void res.writeHead(302, { location: back.toString() }).end();
    }
    if (req.method === 'POST' && url.pathname === '/access_token') {
      const { oauth_token: token = '', oauth_verifier: verifier } = oauthParams(req);
      const request = pending.get(token);
      if (!request?.verifier || request.verifier !== verifier) return void res.writeHead(401).end('oauth_problem=token_rejected');
      pending.delete(token);
      const access = `at-${randomBytes(8).toString('hex')}`;
      granted.push(access);
      return form({ oauth_token: access, oauth_token_secret: `ats-${access}` });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    requestTokenUrl: `${base}/request_token`,
    authorizeUrl: `${base}/authorize`,
    accessTokenUrl: `${base}/access_token`,
    grantedTokens: () => [...granted],
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
