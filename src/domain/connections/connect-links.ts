import { z } from 'zod';
import type { AuthConfig, ConnectedAccount, ConnectLink, Project, Session, Toolkit } from '../../generated/prisma/client.js';
import type { Caller } from '../access/caller.js';
import { findProject } from '../access/projects.js';
import { sessionEnded, sessionForAuthorize } from '../access/sessions.js';
import { hashSecret, newSecret } from '../crypto/secrets.js';
import { startConnection, type StartedLink, type StartMode } from './start-connection.js';
import type { DomainDeps } from '../deps.js';
import { DomainError, notFound } from '../errors.js';
import { isOAuthScheme, resolveAuthConfig } from '../toolkits/auth-configs.js';
import {
  asFieldValues,
  assertEndpointsResolvable,
  resolveEndpoints,
  type FieldValues,
  type ToolkitEndpoints,
} from '../toolkits/toolkit-endpoints.js';
import { toolkitLogoUrl } from '../toolkits/logos.js';
import { findVisibleToolkit } from '../toolkits/toolkits.js';
import { parseInput } from '../validation.js';

export type Authorized = StartedLink & { toolkit: Toolkit; url: string };
export type ActiveConnection = { kind: 'active'; account: ConnectedAccount; toolkit: Toolkit };

const authorizeInputSchema = z.object({
  sessionId: z.string().min(1),
  toolkit: z.string().trim().min(1),
  callbackUrl: z.url({ error: 'must be an absolute http(s) URL' }).nullish(),
  alias: z.string().trim().min(1).max(100).nullish(),
  connectedAccountId: z.string().min(1).nullish(),
  authConfigId: z.string().min(1).nullish(),
});

export function connectLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/link/${token}`;
}

/** The callback URL must point at an origin the project allowed, so links cannot phish. */
function checkCallbackUrl(callbackUrl: string, allowedOrigins: readonly string[]): void {
  const url = new URL(callbackUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new DomainError('BAD_USER_INPUT', 'callbackUrl must be an http(s) URL.', [
      { path: 'callbackUrl', message: 'must be an http(s) URL' },
    ]);
  }
  if (!allowedOrigins.includes(url.origin)) {
    throw new DomainError(
      'BAD_USER_INPUT',
      `callbackUrl origin ${url.origin} is not allowed for this project; add it with updateProject(allowedCallbackOrigins).`,
      [{ path: 'callbackUrl', message: 'origin not allowed' }],
    );
  }
}

/**
 * The auth config of a new flow. The project's backend (API key) may name any of its configs. A
 * session client token gets what the session resolves to, its pin or else the project's choice:
 * it may name that one, but naming another (broader scopes, another app) is refused.
 */
async function authConfigForCaller(deps: DomainDeps, caller: Caller, args: Parameters<typeof resolveAuthConfig>[1]) {
  if (caller.kind === 'apiKey') return resolveAuthConfig(deps, args);
  const resolved = await resolveAuthConfig(deps, { ...args, authConfigId: null });
  if (args.authConfigId && args.authConfigId !== resolved.id) {
    throw new DomainError(
      'FORBIDDEN',
      "A session client token cannot choose the auth config: the session's own (or the project's default) applies.",
    );
  }
  return resolved;
}

/** A session with its project and pinned auth configs, as authorize reads them (cached; see sessionForAuthorize). */
async function sessionWithProject(deps: DomainDeps, id: string) {
  const session = await sessionForAuthorize(deps, id);
  if (!session) return null;
  const project = await findProject(deps, session.projectId);
  return project && { ...session, project };
}

/**
 * Starts a connection for the session's user: creates the connected account (INITIATED), or
 * re-authorizes the user's existing account at the toolkit (and alias) in place, plus a
 * single-use Connect Link. In `ensure` mode, an ACTIVE account is returned as is and a pending
 * link of an earlier call is handed back (see startConnection).
 */
export async function authorize(deps: DomainDeps, caller: Caller, raw: unknown): Promise<Authorized>;
export async function authorize(deps: DomainDeps, caller: Caller, raw: unknown, mode: 'ensure'): Promise<Authorized | ActiveConnection>;
export async function authorize(deps: DomainDeps, caller: Caller, raw: unknown, mode: StartMode = 'authorize') {
  const input = parseInput(authorizeInputSchema, raw, 'authorize input');
  // Every call by a session client token counts, refused ones too: a token cannot probe for free.
  await deps.sessionQuotas.countAuthorize(caller);
  const session = await sessionWithProject(deps, input.sessionId);
  if (!session || session.projectId !== caller.projectId) throw notFound('Session');
  if (caller.kind === 'session' && caller.sessionId !== session.id) {
    throw new DomainError('FORBIDDEN', 'A session client token can only authorize within its own session.');
  }
  if (sessionEnded(session)) {
    throw new DomainError('FORBIDDEN', session.revokedAt ? 'The session was revoked.' : 'The session has expired.');
  }
  const toolkit = await findVisibleToolkit(deps, caller.projectId, input.toolkit);
  if (!toolkit) throw notFound(`Toolkit "${input.toolkit}"`);
  if (session.toolkits.length > 0 && !session.toolkits.includes(toolkit.slug)) {
    throw new DomainError('FORBIDDEN', `The session is not allowed to connect "${toolkit.slug}".`);
  }
  if (input.callbackUrl) checkCallbackUrl(input.callbackUrl, session.project.allowedCallbackOrigins);
  const authConfig = await authConfigForCaller(deps, caller, {
    projectId: caller.projectId,
    toolkit,
    pinnedAuthConfigIds: session.authConfigs.map((pin) => pin.authConfigId),
    authConfigId: input.authConfigId,
  });
  if (isOAuthScheme(authConfig.authScheme)) assertEndpointsResolvable(toolkit, authConfig);

  const started = await startConnection(
    deps,
    {
      projectId: caller.projectId,
      session,
      toolkitId: toolkit.id,
      authConfigId: authConfig.id,
      alias: input.alias ?? null,
      callbackUrl: input.callbackUrl ?? null,
      connectedAccountId: input.connectedAccountId ?? null,
      linkTtlSeconds: session.project.connectLinkTtlSeconds,
    },
    mode,
  );
  if (started.kind === 'active') return { ...started, toolkit };
  return { ...started, toolkit, url: connectLinkUrl(deps.publicUrl, started.token) };
}

/** The link, its session and account as they are now; project, toolkit and auth config from the read cache. */
const LINK_ROWS = { session: true, connectedAccount: true } as const;

type LinkRows = ConnectLink & { session: Session; connectedAccount: ConnectedAccount };

export type LinkWithContext = LinkRows & {
  session: Session & { project: Project };
  connectedAccount: ConnectedAccount & { toolkit: Toolkit };
  authConfig: AuthConfig;
};

/**
 * What the hosted pages and the OAuth dance need to know about a link. The pages show the
 * toolkit's logo as the API does: its own, or the one this server serves for its brand.
 */
async function withContext(deps: DomainDeps, link: LinkRows | null): Promise<LinkWithContext | null> {
  if (!link) return null;
  const { readCache, prisma } = deps;
  const [project, toolkit, authConfig] = await Promise.all([
    findProject(deps, link.session.projectId),
    readCache.get(`toolkit-id:${link.connectedAccount.toolkitId}`, () => prisma.toolkit.findUnique({ where: { id: link.connectedAccount.toolkitId } })),
    readCache.get(`auth-config:${link.authConfigId}`, () => prisma.authConfig.findUnique({ where: { id: link.authConfigId } })),
  ]);
  // Rows of a link are kept by foreign keys (cascade, restrict): a missing one means it was deleted meanwhile.
  if (!project || !toolkit || !authConfig) return null;
  return {
    ...link,
    session: { ...link.session, project },
    connectedAccount: { ...link.connectedAccount, toolkit: { ...toolkit, logoUrl: toolkitLogoUrl(deps.publicUrl, toolkit) } },
    authConfig,
  };
}

/** The link behind a token, with everything the hosted page shows; null when unknown. */
export async function findLinkByToken(deps: DomainDeps, token: string): Promise<LinkWithContext | null> {
  return withContext(deps, await deps.prisma.connectLink.findUnique({ where: { tokenHash: hashSecret(token) }, include: LINK_ROWS }));
}

/** The link whose OAuth flow this browser started (its flow cookie); null for any other browser. */
export async function findLinkByBrowserBinding(deps: DomainDeps, flowSecret: string): Promise<LinkWithContext | null> {
  return withContext(deps, await deps.prisma.connectLink.findUnique({ where: { browserBindingHash: hashSecret(flowSecret) }, include: LINK_ROWS }));
}

/**
 * Binds a pending link's OAuth flow to one browser, with the URL field values the user entered
 * (already checked): returns the secret for that browser's cookie (the link keeps its hash), or
 * null when the link is no longer pending. Clicking Connect again rebinds to the newest browser.
 */
export async function bindLinkToBrowser(
  deps: DomainDeps,
  linkId: string,
  fieldValues: FieldValues = {},
): Promise<string | null> {
  const flowSecret = newSecret('');
  const bound = await deps.prisma.connectLink.updateMany({
    where: { id: linkId, status: 'PENDING' },
    data: { browserBindingHash: hashSecret(flowSecret), fieldValues },
  });
  return bound.count === 1 ? flowSecret : null;
}

/**
 * The URL field values of a link's flow: those the user entered, under the auth config's,
 * which win (the owner may have fixed a field after the user typed it).
 */
export function linkFieldValues(link: { fieldValues: unknown; authConfig: { fieldValues: unknown } }): FieldValues {
  return { ...asFieldValues(link.fieldValues), ...asFieldValues(link.authConfig.fieldValues) };
}

/** The OAuth endpoints of a link's flow, placeholders filled. */
export function linkEndpoints(link: LinkWithContext): ToolkitEndpoints {
  return resolveEndpoints(link.connectedAccount.toolkit, linkFieldValues(link));
}

/**
 * Why a link cannot be used (for the hosted page), or null when it can. A link that ended
 * before its time without being used was replaced by a newer one for the same connection
 * (the sweeper only expires links whose time is up).
 */
export function linkUnusableReason(link: ConnectLink, now = new Date()): 'used' | 'expired' | 'replaced' | 'failed' | null {
  if (link.status === 'COMPLETED' || link.consumedAt) return 'used';
  if (link.status === 'FAILED') return 'failed';
  if (link.status === 'EXPIRED' && link.expiresAt > now) return 'replaced';
  if (link.status === 'EXPIRED' || link.expiresAt <= now) return 'expired';
  return null;
}

