import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DomainDeps } from '../domain/deps.js';
import { sendLinkProblem, type ConnectDeps } from './flow.js';
import { createOAuthDance } from './grant.js';
import { handleLink } from './link-routes.js';
import { handleOAuth } from './oauth-routes.js';
import type { HostedRateLimiter } from './rate-limit.js';

const LINK_PATH = /^\/link\/([A-Za-z0-9_-]{1,100})\/?$/;
const OAUTH_PATH = /^\/connect\/([a-z0-9_-]{1,63})(\/callback)?\/?$/;

/**
 * The hosted side of a Connect Link: `/link/<token>` pages and the `/connect/<key>` OAuth
 * dance. Returns false for every other path, so the caller can hand the request on.
 */
export function createConnectRoutes(deps: DomainDeps, rateLimiter: HostedRateLimiter) {
  const connectDeps: ConnectDeps = {
    ...deps,
    csrfSecret: deps.keyRing.deriveSecret('connect-link-csrf'),
    secureCookies: deps.publicUrl.startsWith('https:'),
  };
  const dance = createOAuthDance({
    prisma: deps.prisma,
    publicUrl: deps.publicUrl,
    secret: deps.keyRing.deriveSecret('oauth-session-cookie').toString('base64url'),
    createConnection: deps.egress.createConnection,
  });

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (!path.startsWith('/link/') && !path.startsWith('/connect/')) return false;
    try {
      // Before any lookup: unknown tokens count too, so guessing links is as slow as using them.
      const limited = await rateLimiter.consume(path.startsWith('/link/') ? 'link' : 'connect', req);
      if (!limited.allowed) {
        res.setHeader('retry-after', String(limited.retryAfterSeconds));
        sendLinkProblem(res, 'rate-limited');
        return true;
      }
      const link = LINK_PATH.exec(path);
      if (link) {
        await handleLink(connectDeps, req, res, link[1]!);
        return true;
      }
      const oauth = OAUTH_PATH.exec(path);
      if (oauth && (req.method === 'GET' || req.method === 'POST')) {
        await handleOAuth(connectDeps, dance, req, res, oauth[1]!, Boolean(oauth[2]));
        return true;
      }
      sendLinkProblem(res, 'unknown');
    } catch (error) {
      deps.logger.error({ err: error, path: path.replace(/^\/link\/.*/, '/link/[token]') }, 'hosted page failed');
      if (!res.headersSent) sendLinkProblem(res, 'bad-request');
    }
    return true;
  };
}
