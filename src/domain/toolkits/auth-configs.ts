import { z } from 'zod';
import { grantProviders } from '../../catalog/index.js';
import { managedAppKey } from '../../config.js';
import { withAdvisoryLock } from '../../db/locks.js';
import type { AuthConfig, AuthScheme, Toolkit } from '../../generated/prisma/client.js';
import { requireApiKey, type Caller } from '../access/caller.js';
import type { CoreDeps, DomainDeps } from '../deps.js';
import { DomainError, notFound } from '../errors.js';
import { endpointTemplatesWith, parseFieldValues } from './toolkit-endpoints.js';
import { findVisibleToolkit } from './toolkits.js';
import { assertPublicUrls, parseInput } from '../validation.js';
import { catalogEntryOf } from '../connections/api-target.js';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

const OAUTH_SCHEMES: readonly AuthScheme[] = ['OAUTH2', 'OAUTH1'];

type FlowToolkit = Pick<Toolkit, 'id' | 'slug' | 'projectId' | 'oauthVersion'>;

/**
 * The grant provider that runs a toolkit's dance: catalog toolkits that grant knows run as that
 * provider (keeping its provider-specific handling), every other one as plain OAuth 1 or 2.
 */
export function grantProviderOf(toolkit: Omit<FlowToolkit, 'id'>): string {
  if (toolkit.projectId === null && Object.hasOwn(grantProviders, toolkit.slug)) return toolkit.slug;
  return toolkit.oauthVersion === 1 ? 'oauth1' : 'oauth2';
}

/**
 * The path of an auth config's OAuth flow, `/connect/<key>` and `/connect/<key>/callback`: one per
 * toolkit (the catalog slug, `custom/<toolkit id>`), so that a callback names the provider the
 * flow went to. Configs made when toolkits shared `oauth2`/`oauth1` keep that path: it is the
 * redirect URI registered at their provider.
 */
export function oauthFlowKey(toolkit: FlowToolkit, authConfig: { sharedRedirectPath: boolean }): string {
  if (authConfig.sharedRedirectPath) return grantProviderOf(toolkit);
  return toolkit.projectId === null ? toolkit.slug : `custom/${toolkit.id}`;
}

/** The one URI to register at the provider for an auth config's OAuth app (new configs: the toolkit's own). */
export function redirectUriFor(
  publicUrl: string,
  toolkit: FlowToolkit,
  authConfig: { sharedRedirectPath: boolean } = { sharedRedirectPath: false },
): string {
  return `${publicUrl}/connect/${oauthFlowKey(toolkit, authConfig)}/callback`;
}

export function isOAuthScheme(scheme: AuthScheme): boolean {
  return OAUTH_SCHEMES.includes(scheme);
}

const credentialsSchema = z.object({
  clientId: z.string().trim().min(1).max(500),
  clientSecret: z.string().trim().min(1).max(2000),
});

const scopesSchema = z.array(z.string().trim().min(1).max(200)).max(100);
const fieldValuesSchema = z
  .array(z.object({ name: z.string().min(1).max(64), value: z.string().max(500) }))
  .max(20)
  .refine((entries) => new Set(entries.map((entry) => entry.name)).size === entries.length, { error: 'names a field twice' });

const createInputSchema = z.object({
  toolkit: z.string().trim().min(1),
  name: z.string().trim().min(1).max(100),
  authScheme: z.enum(['OAUTH2', 'OAUTH1', 'API_KEY', 'BEARER_TOKEN', 'BASIC', 'NO_AUTH']).nullish(),
  credentials: credentialsSchema.nullish(),
  scopes: scopesSchema.nullish(),
  userScopes: scopesSchema.nullish(),
  fieldValues: fieldValuesSchema.nullish(),
  isDefault: z.boolean().nullish(),
});

const updateInputSchema = z.object({
  id: z.string().min(1),
  name: z.string().trim().min(1).max(100).nullish(),
  credentials: credentialsSchema.nullish(),
  scopes: scopesSchema.nullish(),
  userScopes: scopesSchema.nullish(),
  fieldValues: fieldValuesSchema.nullish(),
  enabled: z.boolean().nullish(),
  isDefault: z.boolean().nullish(),
});

/** User scopes go only to providers that take them in a parameter of their own (Slack's `user_scope`). */
function assertUserScopesTaken(toolkit: Toolkit, scheme: AuthScheme, userScopes: readonly string[] | null | undefined): void {
  if (!userScopes?.length) return;
  if (isOAuthScheme(scheme) && catalogEntryOf(toolkit)?.oauth?.userScopeParam) return;
  throw new DomainError('BAD_USER_INPUT', `Toolkit "${toolkit.slug}" does not request user scopes apart from its scopes; use scopes.`, [
    { path: 'userScopes', message: 'not used by this toolkit' },
  ]);
}

/** Picks the scheme: the one asked for, else OAuth when credentials came, else the toolkit's first. */
function chooseScheme(toolkit: Toolkit, requested: AuthScheme | null | undefined, hasCredentials: boolean) {
  if (requested) {
    if (!toolkit.authSchemes.includes(requested)) {
      throw new DomainError('BAD_USER_INPUT', `Toolkit "${toolkit.slug}" does not support ${requested}.`, [
        { path: 'authScheme', message: `must be one of ${toolkit.authSchemes.join(', ')}` },
      ]);
    }
    return requested;
  }
  const oauth = toolkit.authSchemes.find((s) => isOAuthScheme(s));
  const other = toolkit.authSchemes.find((s) => !isOAuthScheme(s));
  return (hasCredentials ? oauth : other) ?? oauth ?? toolkit.authSchemes[0]!;
}

/** Creates a CUSTOM auth config: the project's own OAuth app (secret encrypted) or a key form. */
export async function createAuthConfig(deps: DomainDeps, caller: Caller, raw: unknown) {
  requireApiKey(caller, 'createAuthConfig');
  const { projectId } = caller;
  const input = parseInput(createInputSchema, raw, 'auth config');
  const toolkit = await findVisibleToolkit(deps, projectId, input.toolkit);
  if (!toolkit) throw notFound(`Toolkit "${input.toolkit}"`);
  const scheme = chooseScheme(toolkit, input.authScheme, Boolean(input.credentials));
  if (isOAuthScheme(scheme) && !input.credentials) {
    throw new DomainError('BAD_USER_INPUT', `credentials (clientId, clientSecret) are required for ${scheme}.`, [
      { path: 'credentials', message: `is required for ${scheme}` },
    ]);
  }
  if (!isOAuthScheme(scheme) && input.credentials) {
    throw new DomainError('BAD_USER_INPUT', `credentials are only used by OAuth auth configs.`, [
      { path: 'credentials', message: `is not used by ${scheme}` },
    ]);
  }
  assertUserScopesTaken(toolkit, scheme, input.userScopes);
  const fieldValues = parseFieldValues(toolkit, input.fieldValues ?? [], { managed: false });
  assertPublicUrls(deps.egress.policy, endpointTemplatesWith(toolkit, fieldValues));
  const created = await deps.prisma.$transaction(async (tx) => {
    const hasDefault = await tx.authConfig.count({ where: { projectId, toolkitId: toolkit.id, isDefault: true } });
    // The project's first own config takes over from one the server made on first use (GitHub's token form, say):
    // the developer who registers an OAuth app means it to be used.
    const hasOwnDefault = await tx.authConfig.count({ where: { projectId, toolkitId: toolkit.id, isDefault: true, kind: 'CUSTOM' } });
    const isDefault = input.isDefault ?? hasOwnDefault === 0;
    if (isDefault && hasDefault > 0) {
      await tx.authConfig.updateMany({ where: { projectId, toolkitId: toolkit.id }, data: { isDefault: false } });
    }
    const created = await tx.authConfig.create({
      data: {
        projectId,
        toolkitId: toolkit.id,
        name: input.name,
        kind: 'CUSTOM',
        authScheme: scheme,
        scopes: input.scopes ?? [],
        userScopes: input.userScopes ?? [],
        fieldValues,
        isDefault,
      },
    });
    if (!input.credentials) return created;
    return tx.authConfig.update({
      where: { id: created.id },
      data: {
        encryptedCredentials: deps.keyRing.encryptJson(input.credentials, created.id),
        credentialsKeyId: deps.keyRing.activeKeyId,
      },
    });
  });
  await deps.readCache.changed();
  return created;
}

export async function findAuthConfig(deps: DomainDeps, projectId: string, id: string): Promise<AuthConfig> {
  const config = await deps.prisma.authConfig.findFirst({ where: { id, projectId } });
  if (!config) throw notFound('Auth config');
  return config;
}

/** Renames, changes scopes, URL field values or credentials, enables/disables, or makes an auth config the default. */
export async function updateAuthConfig(deps: DomainDeps, caller: Caller, raw: unknown) {
  requireApiKey(caller, 'updateAuthConfig');
  const { projectId } = caller;
  const input = parseInput(updateInputSchema, raw, 'auth config');
  const config = await findAuthConfig(deps, projectId, input.id);
  if (input.credentials && !isOAuthScheme(config.authScheme)) {
    throw new DomainError('BAD_USER_INPUT', 'credentials are only used by OAuth auth configs.');
  }
  if (input.credentials && config.kind === 'MANAGED') {
    throw new DomainError('BAD_USER_INPUT', 'A managed auth config takes its credentials from the server.');
  }
  // Replaces the whole set: accounts keep the values they were connected with.
  const toolkit = input.fieldValues || input.userScopes?.length ? await deps.prisma.toolkit.findUniqueOrThrow({ where: { id: config.toolkitId } }) : null;
  if (toolkit) assertUserScopesTaken(toolkit, config.authScheme, input.userScopes);
  const fieldValues = toolkit && input.fieldValues ? parseFieldValues(toolkit, input.fieldValues, { managed: config.kind === 'MANAGED' }) : undefined;
  if (toolkit && fieldValues) assertPublicUrls(deps.egress.policy, endpointTemplatesWith(toolkit, fieldValues));
  const updated = await deps.prisma.$transaction(async (tx) => {
    if (input.isDefault) {
      await tx.authConfig.updateMany({
        where: { projectId, toolkitId: config.toolkitId, id: { not: config.id } },
        data: { isDefault: false },
      });
    }
    return tx.authConfig.update({
      where: { id: config.id },
      data: {
        ...(input.name ? { name: input.name } : {}),
        ...(input.scopes ? { scopes: input.scopes } : {}),
        ...(input.userScopes ? { userScopes: input.userScopes } : {}),
        ...(fieldValues ? { fieldValues } : {}),
        ...(input.enabled != null ? { status: input.enabled ? 'ENABLED' : 'DISABLED' } : {}),
        ...(input.isDefault != null ? { isDefault: input.isDefault } : {}),
        ...(input.credentials
          ? {
              encryptedCredentials: deps.keyRing.encryptJson(input.credentials, config.id),
              credentialsKeyId: deps.keyRing.activeKeyId,
            }
          : {}),
      },
    });
  });
  await deps.readCache.changed();
  return updated;
}

/** Deletes an auth config no connected account uses; one still in use is a CONFLICT. */
export async function deleteAuthConfig(deps: DomainDeps, caller: Caller, id: string) {
  requireApiKey(caller, 'deleteAuthConfig');
  const { projectId } = caller;
  const config = await findAuthConfig(deps, projectId, id);
  const accounts = await deps.prisma.connectedAccount.count({ where: { authConfigId: config.id } });
  if (accounts > 0) {
    throw new DomainError(
      'CONFLICT',
      `The auth config is used by ${accounts} connected account(s); delete or re-authorize them first.`,
    );
  }
  await deps.prisma.authConfig.delete({ where: { id: config.id } });
  await deps.readCache.changed();
  return config;
}

/** The OAuth client of an auth config: decrypted (CUSTOM) or from the environment (MANAGED). */
export function clientCredentialsOf(
  deps: Pick<CoreDeps, 'keyRing' | 'managedOAuthApps'>,
  config: AuthConfig,
  toolkit: Toolkit,
): ClientCredentials {
  if (config.kind === 'MANAGED') {
    const app = deps.managedOAuthApps.get(managedAppKey(toolkit.slug));
    if (!app) throw new DomainError('FORBIDDEN', `No OAuth app is configured on this server for "${toolkit.slug}".`);
    return app;
  }
  if (!config.encryptedCredentials) throw new DomainError('FORBIDDEN', 'The auth config has no client credentials.');
  return deps.keyRing.decryptJson<ClientCredentials>(config.encryptedCredentials, config.id);
}

/**
 * The auth config `authorize` uses, in order: the one asked for, the session's pin for this
 * toolkit, the project's default, the operator's managed app (created on first use), or, for
 * toolkits that need no OAuth app, a managed config made on the spot.
 */
export async function resolveAuthConfig(
  deps: DomainDeps,
  args: { projectId: string; toolkit: Toolkit; pinnedAuthConfigIds: readonly string[]; authConfigId?: string | null },
): Promise<AuthConfig> {
  const { projectId, toolkit } = args;
  const usable = (config: AuthConfig | null, what: string): AuthConfig | null => {
    if (!config) return null;
    if (config.toolkitId !== toolkit.id) {
      throw new DomainError('BAD_USER_INPUT', `${what} belongs to another toolkit than "${toolkit.slug}".`);
    }
    if (config.status === 'DISABLED') throw new DomainError('FORBIDDEN', `${what} is disabled.`);
    return config;
  };
  if (args.authConfigId) {
    return usable(await findAuthConfig(deps, projectId, args.authConfigId), 'The auth config')!;
  }
  // The project's configs for the toolkit, default first, then oldest: cached, as every change
  // to an auth config announces itself.
  const configs =
    (await deps.readCache.get(
      `auth-configs:${projectId}:${toolkit.id}`,
      () =>
        deps.prisma.authConfig.findMany({
          where: { projectId, toolkitId: toolkit.id },
          orderBy: [{ isDefault: 'desc' }, { createdAt: 'asc' }, { id: 'asc' }],
        }),
    )) ?? [];
  const pinned = configs.find((config) => args.pinnedAuthConfigIds.includes(config.id)) ?? null;
  const fromPin = usable(pinned, "The session's auth config");
  if (fromPin) return fromPin;
  const fallback = configs.find((config) => config.status === 'ENABLED');
  if (fallback) return fallback;

  const managedApp = deps.managedOAuthApps.get(managedAppKey(toolkit.slug));
  const oauth = toolkit.authSchemes.find((s) => isOAuthScheme(s));
  const scheme = managedApp && oauth ? oauth : toolkit.authSchemes.find((s) => !isOAuthScheme(s));
  if (!scheme) {
    throw new DomainError(
      'BAD_USER_INPUT',
      `Toolkit "${toolkit.slug}" needs an OAuth app: create an auth config with its client credentials ` +
        `(redirect URI ${redirectUriFor(deps.publicUrl, toolkit)}).`,
    );
  }
  // Serialized so that concurrent first authorizations share one managed config.
  const managed = await withAdvisoryLock(deps.prisma, `managed-auth-config:${projectId}:${toolkit.id}`, async (tx) => {
    const existing = await tx.authConfig.findFirst({
      where: { projectId, toolkitId: toolkit.id, kind: 'MANAGED', authScheme: scheme },
    });
    return (
      existing ??
      tx.authConfig.create({
        data: {
          projectId,
          toolkitId: toolkit.id,
          name: `${toolkit.name} (managed)`,
          kind: 'MANAGED',
          authScheme: scheme,
          scopes: [],
          isDefault: true,
        },
      })
    );
  });
  await deps.readCache.changed();
  return managed;
}
