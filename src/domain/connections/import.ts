import { randomUUID } from 'node:crypto';
import { withAdvisoryLocks } from '../../db/locks.js';
import type { AuthConfig, Prisma, Toolkit } from '../../generated/prisma/client.js';
import { requireApiKey, type Caller } from '../access/caller.js';
import type { CoreDeps } from '../deps.js';
import { DomainError, notFound } from '../errors.js';
import { publishEvents, type RecordedEvent } from '../events/outbox.js';
import { clientCredentialsOf, isOAuthScheme } from '../toolkits/auth-configs.js';
import { accountEndpoints, asFieldValues } from '../toolkits/toolkit-endpoints.js';
import { findVisibleToolkit } from '../toolkits/toolkits.js';
import { parseInput } from '../validation.js';
import { changeAccount, createImportedAccounts } from './account-state.js';
import { importedCredentials, importInputSchema, type ImportedCredentials } from './import-input.js';
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

/** One line ready to write: checked, its target resolved, its credentials built. */
interface Prepared {
  index: number;
  key: { projectId: string; userId: string; toolkitId: string; alias: string | null };
  target: Target;
  imported: ImportedCredentials;
}

const keyOf = (account: { userId: string; toolkitId: string; alias: string | null }) =>
  JSON.stringify([account.userId, account.toolkitId, account.alias]);

type Written = { outcomes: Map<number, ImportOutcome>; events: RecordedEvent[] };

/**
 * Writes a set of lines with distinct keys in one transaction: new accounts in one statement,
 * existing ones updated one by one, every one with its `connection.imported` event. The
 * transaction holds an advisory lock on each key, so concurrent imports of one key (which the
 * unique index cannot order when the alias is null) serialize into one account. A line that
 * cannot be written is refused here without writing; anything else aborts the whole set.
 */
async function writeTogether(deps: CoreDeps, projectId: string, items: readonly Prepared[]): Promise<Written> {
  const locks = items.map((item) => `import:${JSON.stringify(item.key)}`);
  return withAdvisoryLocks(deps.prisma, locks, async (tx) => {
    const found = await tx.connectedAccount.findMany({
      where: {
        projectId,
        userId: { in: [...new Set(items.map((item) => item.key.userId))] },
        toolkitId: { in: [...new Set(items.map((item) => item.key.toolkitId))] },
      },
      orderBy: { createdAt: 'asc' },
    });
    const existing = new Map<string, typeof found>();
    for (const account of found) existing.set(keyOf(account), [...(existing.get(keyOf(account)) ?? []), account]);
    const outcomes = new Map<number, ImportOutcome>();
    const events: RecordedEvent[] = [];
    const created: Parameters<typeof createImportedAccounts>[1][number][] = [];
    for (const item of items) {
      const [account, ...others] = existing.get(keyOf(item.key)) ?? [];
      if (others.length > 0) {
        const error = `User "${item.key.userId}" has several ${item.target.toolkit.slug} accounts without an alias; import with an alias, or delete the extra accounts.`;
        outcomes.set(item.index, { ok: false, error: new DomainError('CONFLICT', error) });
      } else if (account?.status === 'REVOKED') {
        const error = 'The account with this userId, toolkit and alias is REVOKED; delete it before importing again.';
        outcomes.set(item.index, { ok: false, error: new DomainError('CONFLICT', error) });
      } else if (account) {
        const event = await changeAccount(tx, account, {
          type: 'connection.imported',
          // A developer's disabled account stays disabled; anything else is usable again.
          ...(account.status === 'INACTIVE' ? {} : { status: 'ACTIVE' as const, reason: null }),
          data: credentialColumns(deps, account.id, item.imported, item.target),
          expect: { version: account.version },
        });
        if (!event) throw new Error('unreachable: the account changed while its import lock was held');
        events.push(event);
        outcomes.set(item.index, { ok: true, created: false, accountId: account.id });
      } else {
        // Chosen here, like a webhook endpoint's: the id authenticates the credentials' ciphertext.
        const id = randomUUID();
        created.push({ id, ...item.key, ...credentialColumns(deps, id, item.imported, item.target) });
        outcomes.set(item.index, { ok: true, created: true, accountId: id });
      }
    }
    events.push(...(await createImportedAccounts(tx, created)));
    return { outcomes, events };
  });
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === 'P2002';
}

/**
 * Writes lines with distinct keys: together, and when that fails (say, the hosted flow created
 * one of the aliases meanwhile), one by one, so that one line's trouble never costs the others.
 */
async function write(deps: CoreDeps, projectId: string, items: readonly Prepared[]): Promise<Written> {
  try {
    return await writeTogether(deps, projectId, items);
  } catch (error) {
    if (items.length > 1) {
      const written: Written = { outcomes: new Map(), events: [] };
      for (const item of items) {
        const one = await write(deps, projectId, [item]);
        one.outcomes.forEach((outcome, index) => written.outcomes.set(index, outcome));
        written.events.push(...one.events);
      }
      return written;
    }
    // An alias created between the lookup and the insert: now it is an update.
    if (isUniqueViolation(error)) {
      return writeTogether(deps, projectId, items).catch((again: unknown) => ({
        outcomes: new Map([[items[0]!.index, { ok: false, error: again }]]),
        events: [],
      }));
    }
    return { outcomes: new Map([[items[0]!.index, { ok: false, error }]]), events: [] };
  }
}

/** Splits lines into rounds of distinct keys, in order: a key's later line updates what its earlier one wrote. */
function rounds(items: readonly Prepared[]): Prepared[][] {
  const result: Prepared[][] = [];
  const seen = new Map<string, number>();
  for (const item of items) {
    const key = keyOf(item.key);
    const round = seen.get(key) ?? 0;
    seen.set(key, round + 1);
    (result[round] ??= []).push(item);
  }
  return result;
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
  const account = await deps.prisma.connectedAccount.findUniqueOrThrow({ where: { id: outcome!.accountId } });
  return { account, created: outcome!.created };
}
