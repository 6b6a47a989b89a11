import { createHmac } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { clientCredentialsOf, grantProviderOf } from '../domain/toolkits/auth-configs.js';
import { knownIssuerOf } from '../domain/toolkits/oauth-issuer.js';
import { catalogEntryOf } from '../domain/connections/api-target.js';
import { linkEndpoints, linkFieldValues, type LinkWithContext } from '../domain/connections/connect-links.js';
import type { DomainDeps } from '../domain/deps.js';
import { publicId } from '../domain/public-ids.js';
import { safeEqual } from '../domain/crypto/secrets.js';
import type { OAuthFlowSettings, TokenPaths } from './grant.js';
import { redirect, sendHtml } from './http.js';
import { renderResultPage, type Branding, type ToolkitView } from './pages.js';

/** Everything the hosted routes need besides the domain. */
export interface ConnectDeps extends DomainDeps {
  /** Signs CSRF tokens; derived from the key ring. */
  csrfSecret: Buffer;
  secureCookies: boolean;
}

export const CSRF_COOKIE = 'connect_csrf';
export const FLOW_COOKIE = 'connect_flow';

export function brandingOf(link: LinkWithContext): Branding {
  const project = link.session.project;
  return { projectName: project.name, logoUrl: project.logoUrl, accentColor: project.accentColor };
}

export function toolkitViewOf(link: LinkWithContext): ToolkitView {
  const { slug, name, logoUrl } = link.connectedAccount.toolkit;
  return { slug, name, logoUrl };
}

/** The CSRF token of a form: bound to the link and to this browser's CSRF cookie. */
export function csrfToken(deps: ConnectDeps, linkId: string, browserSecret: string): string {
  return createHmac('sha256', deps.csrfSecret).update(`${linkId}.${browserSecret}`).digest('base64url');
}

export function csrfValid(deps: ConnectDeps, linkId: string, browserSecret: string | undefined, token: string | undefined) {
  return !!browserSecret && !!token && safeEqual(token, csrfToken(deps, linkId, browserSecret));
}

/** The scopes a flow asks for: the auth config's, else the toolkit's defaults. */
export function requestedScopes(link: LinkWithContext): string[] {
  return link.authConfig.scopes.length > 0 ? link.authConfig.scopes : link.connectedAccount.toolkit.defaultScopes;
}

/**
 * What the catalog says a provider needs beyond standard OAuth: extra authorization parameters (Google's offline
 * access, Dropbox's token_access_type, Atlassian's audience), user scopes in their own parameter (Slack's
 * `user_scope`), and where a non-standard token response keeps the tokens. Custom toolkits need none.
 */
function providerExtrasOf(link: LinkWithContext): {
  authorizeParams: Record<string, string>;
  tokenPaths: TokenPaths | null;
} {
  const oauth = catalogEntryOf(link.connectedAccount.toolkit)?.oauth;
  if (!oauth) return { authorizeParams: {}, tokenPaths: null };
  // The auth config's own user scopes, else the catalog's.
  const requested = link.authConfig.userScopes.length > 0 ? link.authConfig.userScopes : (oauth.defaultUserScopes ?? []);
  const userScopes = oauth.userScopeParam && requested.length > 0 ? { [oauth.userScopeParam]: requested.join(oauth.scopeDelimiter) } : {};
  return { authorizeParams: { ...oauth.authorizeParams, ...userScopes }, tokenPaths: oauth.tokenResponse ?? null };
}

/** The server-side settings of this link's OAuth flow (client secret included). */
export function oauthSettingsOf(deps: DomainDeps, link: LinkWithContext, redirectUri: string): OAuthFlowSettings {
  const toolkit = link.connectedAccount.toolkit;
  const client = clientCredentialsOf(deps, link.authConfig, toolkit);
  const urls = linkEndpoints(link);
  return {
    version: toolkit.oauthVersion === 1 ? 1 : 2,
    grantProvider: grantProviderOf(toolkit),
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    authorizeUrl: urls.authorizeUrl,
    tokenUrl: urls.tokenUrl,
    requestTokenUrl: urls.requestTokenUrl,
    scopes: requestedScopes(link),
    scopeDelimiter: toolkit.scopeDelimiter,
    pkce: toolkit.pkce,
    tokenAuthMethod: toolkit.tokenAuthMethod,
    redirectUri,
    issuer: knownIssuerOf(toolkit, linkFieldValues(link)),
    ...providerExtrasOf(link),
  };
}

/**
 * Ends a flow in the browser: back to the chat app's callbackUrl with the outcome appended
 * (its own query kept), or a result page saying the user can return to the chat.
 */
export function finishFlow(
  res: ServerResponse,
  link: LinkWithContext,
  outcome: { ok: boolean; connectedAccountId: string; message?: string; connectedAs?: string | null },
  cookies: string[] = [],
): void {
  if (link.callbackUrl) {
    const url = new URL(link.callbackUrl);
    url.searchParams.set('status', outcome.ok ? 'success' : 'failed');
    url.searchParams.set('connected_account_id', publicId('ConnectedAccount', outcome.connectedAccountId));
    redirect(res, url.toString(), cookies);
    return;
  }
  const toolkit = toolkitViewOf(link);
  sendHtml(
    res,
    outcome.ok ? 200 : 400,
    renderResultPage({
      branding: brandingOf(link),
      kind: outcome.ok ? 'success' : 'error',
      title: outcome.ok ? `${toolkit.name} is connected` : `${toolkit.name} was not connected`,
      message: outcome.ok
        ? `${outcome.connectedAs ? `Connected as ${outcome.connectedAs}. ` : ''}You can close this tab and return to the chat.`
        : (outcome.message ?? 'The connection did not complete. Return to the chat to try again.'),
      toolkit,
    }),
    cookies,
  );
}

export type LinkProblem =
  | 'unknown'
  | 'used'
  | 'expired'
  | 'replaced'
  | 'failed'
  | 'wrong-browser'
  | 'forbidden'
  | 'bad-request'
  | 'rate-limited'
  | 'unexpected-callback'
  | 'method-not-allowed'
  | 'too-large';

/** A page for links that cannot be used, with the right status and no details leaked. */
export function sendLinkProblem(
  res: ServerResponse,
  problem: LinkProblem,
  link?: LinkWithContext,
): void {
  const pages = {
    unknown: [404, 'Link not found', 'This connect link is not valid. Ask the chat for a new one.'],
    used: [410, 'Link already used', 'This connect link has already been used. Ask the chat for a new one if needed.'],
    expired: [410, 'Link expired', 'This connect link has expired. Ask the chat for a new one.'],
    replaced: [410, 'Link replaced', 'This connect link was replaced by a newer one. Use the latest link the chat sent you.'],
    failed: [410, 'Connection ended', 'This connection attempt has ended. Ask the chat for a new link.'],
    'wrong-browser': [
      400,
      'Open the link in the same browser',
      'This sign-in was started in another browser or its session expired. Open the connect link again here.',
    ],
    forbidden: [403, 'Please reload the page', 'Your form session expired. Reload the page and try again.'],
    'bad-request': [400, 'Something went wrong', 'The request could not be understood. Open the connect link again.'],
    'rate-limited': [429, 'Too many requests', 'Too many requests came from your network. Wait a minute, then reload this page.'],
    'unexpected-callback': [
      400,
      'This sign-in answer was not expected',
      'It does not answer the sign-in started in this browser, so it was ignored. Finish signing in on the tab you started from, or open the connect link again.',
    ],
    'method-not-allowed': [405, 'Method not allowed', 'This address does not accept that kind of request. Open the connect link again.'],
    'too-large': [413, 'Request too large', 'The request was larger than this page accepts. Open the connect link again.'],
  } as const;
  const [status, title, message] = pages[problem];
  sendHtml(
    res,
    status,
    renderResultPage({
      branding: link ? brandingOf(link) : null,
      kind: 'error',
      title,
      message,
      ...(link ? { toolkit: toolkitViewOf(link) } : {}),
    }),
  );
}
