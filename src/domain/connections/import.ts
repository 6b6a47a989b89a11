import { withAdvisoryLock } from '../../db/locks.js';
import type { AuthConfig, Prisma, Toolkit } from '../../generated/prisma/client.js';
import { requireApiKey, type Caller } from '../access/caller.js';
import type { CoreDeps } from '../deps.js';
import { DomainError, notFound } from '../errors.js';
import { publishEvents, type RecordedEvent } from '../events/outbox.js';
import { clientCredentialsOf, isOAuthScheme } from '../toolkits/auth-configs.js';
import { accountEndpoints, asFieldValues } from '../toolkits/toolkit-endpoints.js';
import { findVisibleToolkit } from '../toolkits/toolkits.js';
import { parseInput } from '../validation.js';
import { changeAccount } from './account-state.js';
import { importedCredentials, importInputSchema, type ImportedCredentials, type ImportInput } from './import-input.js';
import { freshTokenColumns } from './refresh.js';

// Importing accounts users connected elsewhere (another connection service, a team's own OAuth
// tables): the account becomes ACTIVE with the credentials it brings, stored like those of the
// hosted flow. One account per (userId, toolkit, alias): importing again gives the same account
// new credentials, so a re-run after a partial import is safe.

export type ImportOutcome =
  | { ok: true; created: boolean; accountId: string }
  /** A DomainError (its message is safe to show), or anything unexpected (logged, not shown). */
  | { ok: false; error: unknown };

interface Target {
  toolkit: Toolkit;
  authConfig: AuthConfig;
}

/**
 * The toolkit and auth config an import goes to. For OAuth, the auth config must be the app
 * that issued the tokens (its client id and secret refresh them), so it must hold usable client
 * credentials and endpoints now rather than fail at the first refresh.
 */
async function resolveTarget(deps: CoreDeps, projectId: string, slug: string, authConfigId: string): Promise<Target> {
  const toolkit = await findVisibleToolkit(deps.prisma, projectId, slug);
  if (!toolkit) throw notFound(`Toolkit "${slug}"`);
  const authConfig = await deps.prisma.authConfig.findFirst({ where: { id: authConfigId, projectId } });
  if (!authConfig) throw notFound('Auth config');
  if (authConfig.toolkitId !== toolkit.id) {
    throw new DomainError('BAD_USER_INPUT', `The auth config belongs to another toolkit than "${toolkit.slug}".`, [
      { path: 'authConfigId', message: `is not an auth config of ${toolkit.slug}` },
    ]);
  }
  if (authConfig.status === 'DISABLED') throw new DomainError('FORBIDDEN', 'The auth config is disabled.');
  if (isOAuthScheme(authConfig.authScheme)) {
    clientCredentialsOf(deps, authConfig, toolkit);
    try {
      accountEndpoints({ toolkit, fieldValues: authConfig.fieldValues });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      throw new DomainError('BAD_USER_INPUT', `${error.message} Set it on the auth config (fieldValues) before importing.`);
    }
  }
  return { toolkit, authConfig };
}

/** The row columns of imported credentials: sealed, with the refresh scheduled from `expiresAt`. */
function credentialColumns(deps: CoreDeps, accountId: string, imported: ImportedCredentials, target: Target) {
  const now = Date.now();
  // A token that has already expired is due at once (0 would mean "never expires").
  const expiresIn = imported.expiresAt ? (imported.expiresAt.getTime() - now) / 1000 || -0.001 : null;
  return {
    authConfigId: target.authConfig.id,
    // The endpoints its tokens belong to, for every refresh and revocation.
    fieldValues: asFieldValues(target.authConfig.fieldValues) as Prisma.InputJsonValue,
    ...freshTokenColumns(deps, accountId, imported.credentials, expiresIn, now),
    scopes: imported.scopes,
    // A refresh running on the old tokens must not overwrite these.
    refreshClaimId: null,
    refreshClaimedUntil: null,
  };
}

/**
 * Creates or updates the account in one transaction with its `connection.imported` event. The
 * transaction holds an advisory lock on the account's key, so concurrent imports of one key
 * (which the unique index cannot order when the alias is null) serialize into one account.
 */
async function writeImport(deps: CoreDeps, projectId: string, input: ImportInput, target: Target, imported: ImportedCredentials) {
  const key = { projectId, userId: input.userId, toolkitId: target.toolkit.id, alias: input.alias ?? null };
  return withAdvisoryLock(deps.prisma, `import:${JSON.stringify(key)}`, async (tx) => {
    const existing = await tx.connectedAccount.findMany({ where: key, orderBy: { createdAt: 'asc' }, take: 2 });
    if (existing.length > 1) {
      throw new DomainError(
        'CONFLICT',
        `User "${input.userId}" has several ${target.toolkit.slug} accounts without an alias; import with an alias, or delete the extra accounts.`,
      );
    }
    if (existing[0]?.status === 'REVOKED') {
      throw new DomainError('CONFLICT', 'The account with this userId, toolkit and alias is REVOKED; delete it before importing again.');
    }
    const account = existing[0] ?? (await tx.connectedAccount.create({ data: { ...key, authConfigId: target.authConfig.id } }));
    const event = await changeAccount(tx, account, {
      type: 'connection.imported',
      // A developer's disabled account stays disabled; anything else is usable again.
      ...(account.status === 'INACTIVE' ? {} : { status: 'ACTIVE' as const, reason: null }),
      data: credentialColumns(deps, account.id, imported, target),
      expect: { version: account.version },
    });
    if (!event) throw new Error('unreachable: the account changed while its import lock was held');
    return { accountId: account.id, created: existing.length === 0, event };
  });
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === 'P2002';
}

/**
 * Imports accounts into a project, one transaction each, in order: every outcome says whether
 * that one was created, updated or refused, and a refused one changes nothing. Auth configs and
 * toolkits are looked up once per call, which is what makes large batches fast.
 */
export async function importAccounts(deps: CoreDeps, projectId: string, inputs: readonly unknown[]): Promise<ImportOutcome[]> {
  const targets = new Map<string, Promise<Target>>();
  const outcomes: ImportOutcome[] = [];
  const events: RecordedEvent[] = [];
  for (const raw of inputs) {
    try {
      const input = parseInput(importInputSchema, raw, 'import');
      const cacheKey = JSON.stringify([input.toolkit, input.authConfigId]);
      if (!targets.has(cacheKey)) targets.set(cacheKey, resolveTarget(deps, projectId, input.toolkit, input.authConfigId));
      const target = await targets.get(cacheKey)!;
      const imported = importedCredentials(target.toolkit, target.authConfig, input.credentials);
      // The hosted flow may create the same alias between the lookup and the insert: then it is an update.
      const written = await writeImport(deps, projectId, input, target, imported).catch((error: unknown) => {
        if (isUniqueViolation(error)) return writeImport(deps, projectId, input, target, imported);
        throw error;
      });
      events.push(written.event);
      outcomes.push({ ok: true, created: written.created, accountId: written.accountId });
    } catch (error) {
      outcomes.push({ ok: false, error });
    }
  }
  await publishEvents(deps, events);
  return outcomes;
}

/** `importConnectedAccount`: one account, for the project's backend (it handles secrets). */
export async function importConnectedAccount(deps: CoreDeps, caller: Caller, raw: unknown) {
  requireApiKey(caller, 'importConnectedAccount');
  const [outcome] = await importAccounts(deps, caller.projectId, [raw]);
  if (!outcome!.ok) throw outcome!.error;
  const account = await deps.prisma.connectedAccount.findUniqueOrThrow({ where: { id: outcome!.accountId } });
  return { account, created: outcome!.created };
}
