import { randomUUID } from 'node:crypto';
import { withAdvisoryLocks } from '../../db/locks.js';
import type { AuthConfig, Prisma, Toolkit } from '../../generated/prisma/client.js';
import type { CoreDeps } from '../deps.js';
import { DomainError } from '../errors.js';
import type { RecordedEvent } from '../events/outbox.js';
import { asFieldValues } from '../toolkits/toolkit-endpoints.js';
import { changeAccount, createImportedAccounts } from './account-state.js';
import type { ImportedCredentials } from './import-input.js';
import { freshTokenColumns } from './refresh.js';

// How checked import lines are written: a batch together under its keys' locks, or line by
// line when that fails; a key seen twice waits for a later round.

export type ImportOutcome =
  | { ok: true; created: boolean; accountId: string }
  /** A DomainError (its message is safe to show), or anything unexpected (logged, not shown). */
  | { ok: false; error: unknown };

export interface Target {
  toolkit: Toolkit;
  authConfig: AuthConfig;
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
export interface Prepared {
  index: number;
  key: { projectId: string; userId: string; toolkitId: string; alias: string | null };
  target: Target;
  imported: ImportedCredentials;
}

const keyOf = (account: { userId: string; toolkitId: string; alias: string | null }) =>
  JSON.stringify([account.userId, account.toolkitId, account.alias]);

export type Written = { outcomes: Map<number, ImportOutcome>; events: RecordedEvent[] };

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
export async function write(deps: CoreDeps, projectId: string, items: readonly Prepared[]): Promise<Written> {
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
export function rounds(items: readonly Prepared[]): Prepared[][] {
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
