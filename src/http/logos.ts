import type { IncomingMessage, ServerResponse } from 'node:http';
import { servedLogo } from '../domain/toolkits/logos.js';

const LOGO_PATH = /^\/logos\/([a-z0-9][a-z0-9_-]{0,62})\.svg$/;

/**
 * `/logos/<slug>.svg`: catalog brand logos from the installed simple-icons package. An SVG is a document that could
 * run script if opened directly, so it goes out with a CSP that allows nothing but inline styles, and nosniff.
 */
export function logoRoutes() {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const match = LOGO_PATH.exec(req.url?.split('?')[0] ?? '');
    if (!match && !(req.url ?? '').startsWith('/logos/')) return false;
    const logo = match ? servedLogo(match[1]!) : null;
    const common = { 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox" };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...common, allow: 'GET, HEAD' }).end();
      return true;
    }
    if (!logo) {
      res.writeHead(404, { ...common, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('No such logo.');
      return true;
    }
    const headers = {
      ...common,
      'content-type': 'image/svg+xml; charset=utf-8',
      // A day fresh, then revalidated by ETag: logos change only with a new simple-icons release.
      'cache-control': 'public, max-age=86400',
      etag: logo.etag,
      'cross-origin-resource-policy': 'cross-origin',
    };
    const cached = (req.headers['if-none-match'] ?? '').split(',').some((tag) => tag.trim().replace(/^W\//, '') === logo.etag);
    if (cached) {
      res.writeHead(304, headers).end();
      return true;
    }
    res.writeHead(200, { ...headers, 'content-length': Buffer.byteLength(logo.svg) });
    res.end(req.method === 'HEAD' ? undefined : logo.svg);
    return true;
  };
}
