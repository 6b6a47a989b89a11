import { requireApiKey, type Caller } from '../access/caller.js';
import type { CoreDeps } from '../deps.js';
import { DomainError, notFound } from '../errors.js';
import { publishEvents, type RecordedEvent } from '../events/outbox.js';
import { clientCredentialsOf, isOAuthScheme } from '../toolkits/auth-configs.js';
import { accountEndpoints, asFieldValues } from '../toolkits/toolkit-endpoints.js';
import { findVisibleToolkit } from '../toolkits/toolkits.js';
import { parseInput } from '../validation.js';
import { openCredentials } from './credentials.js';
import { importedCredentials, importInputSchema } from './import-input.js';
import { learnProviderAccount, sealProviderAccount } from './provider-account.js';
import { rounds, write, type ImportOutcome, type Prepared, type Target } from './import-write.js';

export type { ImportOutcome } from './import-write.js';

// Importing accounts users connected elsewhere (another connection service, a team's own OAuth
// tables): the account becomes ACTIVE with the credentials it brings, stored like those of the
// hosted flow. One account per (userId, toolkit, alias): importing again gives the same account
// new credentials, so a re-run after a partial import is safe.

/**
 * The toolkit and auth config an import goes to. For OAuth, the auth config must be the app
 * that issued the tokens (its client id and secret refresh them), so it must hold usable client
 * credentials and endpoints now rather than fail at the first refresh.
 */
async function resolveTarget(deps: CoreDeps, projectId: string, slug: string, authConfigId: string): Promise<Target> {
  const toolkit = await findVisibleToolkit(deps, projectId, slug);
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

/**
 * Imports accounts into a project; every outcome says whether that line was created, updated or
 * refused, and a refused line changes nothing. Lines are checked first (auth configs and
 * toolkits looked up once per call), then written together, which is what makes large batches
 * fast; when writing them together fails, each is written alone.
 */
export async function importAccounts(deps: CoreDeps, projectId: string, inputs: readonly unknown[]): Promise<ImportOutcome[]> {
  const targets = new Map<string, Promise<Target>>();
  const outcomes: ImportOutcome[] = [];
  const prepared: Prepared[] = [];
  for (const [index, raw] of inputs.entries()) {
    try {
      const input = parseInput(importInputSchema, raw, 'import');
      const cacheKey = JSON.stringify([input.toolkit, input.authConfigId]);
      if (!targets.has(cacheKey)) targets.set(cacheKey, resolveTarget(deps, projectId, input.toolkit, input.authConfigId));
      const target = await targets.get(cacheKey)!;
      const imported = importedCredentials(target.toolkit, target.authConfig, input.credentials);
      const key = { projectId, userId: input.userId, toolkitId: target.toolkit.id, alias: input.alias ?? null };
      prepared.push({ index, key, target, imported });
    } catch (error) {
      outcomes[index] = { ok: false, error };
    }
  }
  const events: RecordedEvent[] = [];
  for (const round of rounds(prepared)) {
    const written = await write(deps, projectId, round);
    written.outcomes.forEach((outcome, index) => (outcomes[index] = outcome));
    events.push(...written.events);
  }
  await publishEvents(deps, events);
  return outcomes;
}

/** `importConnectedAccount`: one account, for the project's backend (it handles secrets). */
export async function importConnectedAccount(deps: CoreDeps, caller: Caller, raw: unknown) {
  requireApiKey(caller, 'importConnectedAccount');
  const [outcome] = await importAccounts(deps, caller.projectId, [raw]);
  if (!outcome!.ok) throw outcome!.error;
  await learnImportedIdentity(deps, outcome!.accountId);
  const account = await deps.prisma.connectedAccount.findUniqueOrThrow({ where: { id: outcome!.accountId } });
  return { account, created: outcome!.created };
}

/**
 * Asks the provider which account an imported OAuth connection is, as after the hosted flow.
 * Only for one account at a time: a bulk import does not make one provider call per line.
 */
async function learnImportedIdentity(deps: CoreDeps, accountId: string): Promise<void> {
  const account = await deps.prisma.connectedAccount.findUniqueOrThrow({
    where: { id: accountId },
    include: { toolkit: true, authConfig: true },
  });
  if (!isOAuthScheme(account.authConfig.authScheme) || !account.encryptedCredentials) return;
  const identity = await learnProviderAccount(deps, {
    toolkit: account.toolkit,
    authConfig: account.authConfig,
    credentials: openCredentials(deps.keyRing, { id: account.id, encryptedCredentials: account.encryptedCredentials }),
    fieldValues: asFieldValues(account.fieldValues),
  });
  if (!identity) return;
  await deps.prisma.connectedAccount.update({ where: { id: account.id }, data: sealProviderAccount(deps.keyRing, account.id, identity) });
}
