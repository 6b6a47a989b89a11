import type { IncomingMessage, ServerResponse } from 'node:http';
import { oauthFlowKey, redirectUriFor } from '../domain/toolkits/auth-configs.js';
import { findLinkByBrowserBinding, linkUnusableReason } from '../domain/connections/connect-links.js';
import { completeLink, failLink } from '../domain/connections/link-outcomes.js';
import { providerAccountLabel } from '../domain/connections/provider-account.js';
import { DomainError } from '../domain/errors.js';
import { FLOW_COOKIE, finishFlow, oauthSettingsOf, requestedScopes, sendLinkProblem, type ConnectDeps } from './flow.js';
import type { createOAuthDance } from './grant.js';
import { readCookie, setCookie } from './http.js';

type OAuthDance = ReturnType<typeof createOAuthDance>;

/**
 * `/connect/<key>` starts the dance at the provider, `/connect/<key>/callback` finishes it with
 * the callback's parameters. Both find their link through the flow cookie set by the hosted
 * page, never through the URL.
 */
export async function handleOAuth(
  deps: ConnectDeps,
  dance: OAuthDance,
  req: IncomingMessage,
  res: ServerResponse,
  key: string,
  callbackParams: URLSearchParams | null,
) {
  const flowSecret = readCookie(req, FLOW_COOKIE);
  const link = flowSecret ? await findLinkByBrowserBinding(deps, flowSecret) : null;
  if (!link) return sendLinkProblem(res, 'wrong-browser');
  const toolkit = link.connectedAccount.toolkit;
  if (oauthFlowKey(toolkit, link.authConfig) !== key) return sendLinkProblem(res, 'bad-request', link);
  const unusable = linkUnusableReason(link);
  if (unusable) return sendLinkProblem(res, unusable, link);

  const settings = oauthSettingsOf(deps, link, redirectUriFor(deps.publicUrl, toolkit, link.authConfig));
  const outcome = callbackParams ? await dance.finish(req, res, settings, callbackParams) : await dance.start(req, res, settings);
  if (outcome.kind === 'redirected') return;
  if (outcome.kind === 'ignored') {
    // A stray or forged navigation (no code, another state, another issuer, tokens in the URL):
    // it must not end the user's flow, which can still complete.
    deps.logger.info({ connectLinkId: link.id, why: outcome.why }, 'oauth callback ignored');
    return sendLinkProblem(res, 'unexpected-callback', link);
  }

  const clearFlow = setCookie(FLOW_COOKIE, '', { path: '/connect', maxAge: 0, secure: deps.secureCookies });
  if (outcome.kind === 'error') {
    deps.logger.info({ connectLinkId: link.id, reason: outcome.reason }, 'oauth flow failed');
    const failed = await failLink(deps, link.id, outcome.reason);
    return finishFlow(
      res,
      link,
      {
        ok: false,
        connectedAccountId: link.connectedAccountId,
        message: outcome.reason === 'access_denied' ? 'Access was not granted. Return to the chat to try again.' : undefined,
      },
      failed ? [clearFlow] : [],
    );
  }

  const scopes = outcome.grantedScope
    ? outcome.grantedScope.split(/[\s,]+/).filter(Boolean)
    : requestedScopes(link);
  try {
    const done = await completeLink(deps, link, {
      credentials:
        link.authConfig.authScheme === 'OAUTH1'
          ? { scheme: 'OAUTH1', accessToken: outcome.accessToken, ...(outcome.accessSecret ? { accessSecret: outcome.accessSecret } : {}) }
          : {
              scheme: 'OAUTH2',
              accessToken: outcome.accessToken,
              refreshToken: outcome.refreshToken,
              tokenType: outcome.tokenType,
              ...(outcome.idToken ? { idToken: outcome.idToken } : {}),
            },
      scopes,
      expiresInSeconds: outcome.expiresIn,
      tokenResponse: outcome.response,
    });
    const connectedAs = providerAccountLabel(done.providerAccount);
    finishFlow(res, link, { ok: true, connectedAccountId: done.connectedAccountId, connectedAs }, [clearFlow]);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'CONFLICT') return sendLinkProblem(res, 'used', link);
    throw error;
  }
}
