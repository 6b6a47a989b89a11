import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DomainDeps } from '../domain/deps.js';
import { sendLinkProblem, type ConnectDeps } from './flow.js';
import { createOAuthDance } from './grant.js';
import { handleLink } from './link-routes.js';
import { handleOAuth } from './oauth-routes.js';
import { FormTooLargeError, MAX_FORM_BYTES, readFormParams } from './http.js';
import type { HostedRateLimiter } from './rate-limit.js';

const LINK_PATH = /^\/link\/([A-Za-z0-9_-]{1,100})\/?$/;
// `/connect/<catalog slug | oauth1 | oauth2>` or `/connect/custom/<toolkit id>`, then `/callback`.
const OAUTH_PATH = /^\/connect\/(custom\/[a-z0-9]{1,40}|[a-z0-9_-]{1,63})(\/callback)?\/?$/;
// The start is a redirect the hosted page sends the browser to; a provider answers with a GET,
// or a POST with response_mode=form_post.
const START_METHODS = ['GET'];
const CALLBACK_METHODS = ['GET', 'POST'];

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
      if (!oauth) {
        sendLinkProblem(res, 'unknown');
        return true;
      }
      const isCallback = Boolean(oauth[2]);
      const allowed = isCallback ? CALLBACK_METHODS : START_METHODS;
      if (!allowed.includes(req.method ?? '')) {
        res.setHeader('allow', allowed.join(', '));
        sendLinkProblem(res, 'method-not-allowed');
        return true;
      }
      const params = await callbackParams(req);
      if (!params) {
        // The rest of the body is not read: the connection closes after the answer.
        res.setHeader('connection', 'close');
        sendLinkProblem(res, 'too-large');
        return true;
      }
      await handleOAuth(connectDeps, dance, req, res, oauth[1]!, isCallback ? params : null);
    } catch (error) {
      deps.logger.error({ err: error, path: path.replace(/^\/link\/.*/, '/link/[token]') }, 'hosted page failed');
      if (!res.headersSent) sendLinkProblem(res, 'bad-request');
    }
    return true;
  };
}

/**
 * The parameters of a `/connect/*` request: the query, or a form_post body read up to 16 KiB
 * (null beyond that). Nothing else is read, so no request buffers more than that.
 */
async function callbackParams(req: IncomingMessage): Promise<URLSearchParams | null> {
  if (req.method !== 'POST') return new URL(req.url ?? '/', 'http://x').searchParams;
  if (Number(req.headers['content-length'] ?? 0) > MAX_FORM_BYTES) return null;
  try {
    return await readFormParams(req);
  } catch (error) {
    if (error instanceof FormTooLargeError) return null;
    throw error;
  }
}
