import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthScheme, CredentialField } from '../catalog/index.js';
import { isOAuthScheme, oauthFlowKey } from '../domain/toolkits/auth-configs.js';
import { completeLink } from '../domain/connections/link-outcomes.js';
import {
  bindLinkToBrowser,
  findLinkByToken,
  linkUnusableReason,
  type LinkWithContext,
} from '../domain/connections/connect-links.js';
import { formFieldsOf, validateCredentialForm } from '../domain/toolkits/credential-forms.js';
import { isDatabaseBusy } from '../db/index.js';
import { DomainError } from '../domain/errors.js';
import { newSecret } from '../domain/crypto/secrets.js';
import { checkUserFieldValues, userUrlFieldsOf, type FieldValues } from '../domain/toolkits/toolkit-endpoints.js';
import {
  brandingOf,
  CSRF_COOKIE,
  csrfToken,
  csrfValid,
  finishFlow,
  FLOW_COOKIE,
  requestedScopes,
  sendLinkProblem,
  toolkitViewOf,
  type ConnectDeps,
} from './flow.js';
import { FormTooLargeError, readCookie, readForm, redirect, sendHtml, setCookie } from './http.js';
import { renderLinkPage, type LinkPageModel } from './pages.js';

type PageExtras = Pick<LinkPageModel, 'values' | 'fieldErrors' | 'formError'>;

/**
 * The fields as the browser gets them. A project's own toolkit keeps its pattern to the server
 * (RE2, linear time): the browser's backtracking engine would hang on a pattern like `^(a+)+$`.
 */
function browserFields(toolkit: { projectId: string | null }, fields: readonly CredentialField[]): CredentialField[] {
  return toolkit.projectId ? fields.map(({ pattern: _serverOnly, ...field }) => field) : [...fields];
}

const credentialKinds: Partial<Record<AuthScheme, string>> = { API_KEY: 'an API key', BEARER_TOKEN: 'a token' };

/**
 * What a credentials form asks for, in one sentence. A toolkit that also offers OAuth says so, since the user may
 * expect to be sent to the provider to sign in: here they paste a token of their own instead.
 */
function credentialsNoteOf(toolkit: { name: string; authSchemes: readonly AuthScheme[] }, scheme: AuthScheme): string {
  const kind = credentialKinds[scheme] ?? 'credentials';
  if (toolkit.authSchemes.some(isOAuthScheme)) {
    return `${toolkit.name} sign-in is not set up here, so this connection uses ${kind} that you create in your ${toolkit.name} account.`;
  }
  return `This connection uses ${kind} from your ${toolkit.name} account.`;
}

function renderPage(deps: ConnectDeps, link: LinkWithContext, token: string, browserSecret: string, extras: PageExtras = {}) {
  const scheme = link.authConfig.authScheme;
  const oauth = isOAuthScheme(scheme);
  const toolkit = link.connectedAccount.toolkit;
  return renderLinkPage({
    branding: brandingOf(link),
    toolkit: toolkitViewOf(link),
    // The raw userId is the developer's identifier, shown only when no display name was given.
    userId: link.session.displayName ?? link.session.userId,
    scopes: oauth ? requestedScopes(link) : [],
    expiresAt: link.expiresAt,
    now: new Date(),
    csrfToken: csrfToken(deps, link.id, browserSecret),
    mode: oauth ? 'oauth' : 'form',
    actionUrl: `/link/${encodeURIComponent(token)}`,
    fields: browserFields(toolkit, oauth ? userUrlFieldsOf(toolkit, link.authConfig.fieldValues) : formFieldsOf(toolkit, scheme)),
    ...(oauth ? {} : { credentialsNote: credentialsNoteOf(toolkit, scheme) }),
    ...extras,
  });
}

/** `GET /link/<token>`: the hosted page; `POST`: the form (credentials) or the OAuth start. */
export async function handleLink(deps: ConnectDeps, req: IncomingMessage, res: ServerResponse, token: string) {
  const link = await findLinkByToken(deps, token);
  if (!link) return sendLinkProblem(res, 'unknown');
  const unusable = linkUnusableReason(link);
  if (unusable) return sendLinkProblem(res, unusable, link);

  if (req.method === 'GET' || req.method === 'HEAD') {
    const existing = readCookie(req, CSRF_COOKIE);
    const browserSecret = existing ?? newSecret('');
    const cookies = existing
      ? []
      : [setCookie(CSRF_COOKIE, browserSecret, { path: '/link', sameSite: 'strict', secure: deps.secureCookies })];
    return sendHtml(res, 200, renderPage(deps, link, token, browserSecret), cookies);
  }
  if (req.method !== 'POST') return sendLinkProblem(res, 'bad-request', link);

  let form: Record<string, string>;
  try {
    form = await readForm(req);
  } catch (error) {
    if (error instanceof FormTooLargeError) return sendLinkProblem(res, 'bad-request', link);
    throw error;
  }
  const browserSecret = readCookie(req, CSRF_COOKIE);
  if (!csrfValid(deps, link.id, browserSecret, form.csrf)) return sendLinkProblem(res, 'forbidden', link);

  const scheme = link.authConfig.authScheme;
  const toolkit = link.connectedAccount.toolkit;
  const oauth = isOAuthScheme(scheme);
  const fields = oauth ? userUrlFieldsOf(toolkit, link.authConfig.fieldValues) : formFieldsOf(toolkit, scheme);
  const checked = oauth ? checkUserFieldValues(toolkit, link.authConfig.fieldValues, form) : validateCredentialForm(fields, form);
  if (!checked.ok) {
    // Only non-secret values are sent back into the page.
    const values = Object.fromEntries(fields.filter((f) => !f.secret).map((f) => [f.name, form[f.name] ?? '']));
    return sendHtml(res, 422, renderPage(deps, link, token, browserSecret!, { values, fieldErrors: checked.fieldErrors }));
  }
  if (oauth) return startOAuth(deps, res, link, checked.values);
  try {
    if (scheme === 'OAUTH1' || scheme === 'OAUTH2') throw new Error('unreachable: OAuth schemes do not use the form');
    const done = await completeLink(deps, link, {
      credentials: { scheme, fields: checked.values },
      scopes: [],
      expiresInSeconds: null,
    });
    finishFlow(res, link, { ok: true, connectedAccountId: done.connectedAccountId });
  } catch (error) {
    if (error instanceof DomainError && error.code === 'CONFLICT') return sendLinkProblem(res, 'used', link);
    if (isDatabaseBusy(error)) {
      // Nothing was written: the same form, refilled (secrets aside), to send again shortly.
      const values = Object.fromEntries(fields.filter((f) => !f.secret).map((f) => [f.name, form[f.name] ?? '']));
      const page = renderPage(deps, link, token, browserSecret!, {
        values,
        formError: 'Too many people are connecting right now. Nothing was lost: press the button again in a few seconds.',
      });
      res.setHeader('retry-after', String(BUSY_RETRY_AFTER_SECONDS));
      return sendHtml(res, 503, page);
    }
    throw error;
  }
}

/** What a busy database's 503 asks browsers and clients to wait. */
const BUSY_RETRY_AFTER_SECONDS = 5;

/**
 * Binds the OAuth flow, with the URL field values the user typed, to this browser (a cookie whose hash the link keeps), then hands over
 * to the dance at `/connect/<key>`. The callback is only accepted with that cookie.
 */
async function startOAuth(deps: ConnectDeps, res: ServerResponse, link: LinkWithContext, fieldValues: FieldValues) {
  const flowSecret = await bindLinkToBrowser(deps, link.id, fieldValues);
  if (!flowSecret) return sendLinkProblem(res, 'used', link);
  const maxAge = Math.max(1, Math.ceil((link.expiresAt.getTime() - Date.now()) / 1000));
  const cookie = setCookie(FLOW_COOKIE, flowSecret, {
    path: '/connect',
    sameSite: 'lax',
    secure: deps.secureCookies,
    maxAge,
  });
  redirect(res, `/connect/${oauthFlowKey(link.connectedAccount.toolkit, link.authConfig)}`, [cookie]);
}
