import { createHash } from 'node:crypto';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';

/**
 * GraphiQL, served from the installed @graphql-yoga/render-graphiql: its scripts, styles and
 * editor workers are inlined in the page, so the browser loads nothing from a CDN, and a
 * Content-Security-Policy allows exactly that script (by hash) and nothing from elsewhere.
 */
export const GRAPHIQL_OPTIONS: GraphiQLOptions = { subscriptionsProtocol: 'WS', title: 'Connect server' };

export interface GraphiQLPage {
  html: string;
  contentSecurityPolicy: string;
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The rendered page (about 9 MB) and the policy that lets only it run. */
export async function renderGraphiQLPage(options: GraphiQLOptions = GRAPHIQL_OPTIONS): Promise<GraphiQLPage> {
  // Imported on first use: the bundle is large, and servers without GraphiQL never need it.
  const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
  const html = renderGraphiQL(options);
  // The page has one inline script: the bundle, then the call that renders GraphiQL.
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => sha256(match[1]!));
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src ${scripts.join(' ')}`,
    // Monaco's editor workers are created from blobs of the inlined worker code.
    'worker-src blob:',
    // The bundle's stylesheet is inline, and the editor adds style elements as it runs.
    "style-src 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    // Queries over HTTP and SSE, subscriptions over WebSocket, to this server only.
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, contentSecurityPolicy };
}

/**
 * Yoga's options for GraphiQL: when enabled, the page rendered once on first visit, with its
 * policy added (yoga answers nothing else as HTML); when disabled, a browser's visit to the
 * endpoint gets 404 instead of a GraphQL error.
 */
export function graphiqlOptions(enabled: boolean, endpoint: string) {
  let page: Promise<GraphiQLPage> | undefined;
  const plugin: Plugin = {
    onRequest({ request, url, endResponse, fetchAPI }) {
      const wantsPage = request.method === 'GET' && request.headers.get('accept')?.includes('text/html');
      if (enabled || !wantsPage || url.pathname.replace(/\/$/, '') !== endpoint) return;
      endResponse(
        new fetchAPI.Response('GraphiQL is disabled on this server (GRAPHIQL=false).\n', {
          status: 404,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
        }),
      );
    },
    async onResponse({ response }) {
      if (page && response.headers.get('content-type')?.startsWith('text/html')) {
        response.headers.set('content-security-policy', (await page).contentSecurityPolicy);
        response.headers.set('x-content-type-options', 'nosniff');
      }
    },
  };
  return {
    graphiql: enabled ? GRAPHIQL_OPTIONS : false,
    renderGraphiQL: async () => (await (page ??= renderGraphiQLPage())).html,
    plugin,
  };
}
