import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../../db/index.js';
import { withAdvisoryLock, type Transaction } from '../../db/locks.js';
import type { ConnectedAccount, ConnectLink } from '../../generated/prisma/client.js';
import type { KeyRing } from '../crypto/encryption.js';
import { hashSecret, newSecret } from '../crypto/secrets.js';
import type { DomainDeps } from '../deps.js';
import { DomainError, notFound } from '../errors.js';
import { publishEvents, type RecordedEvent } from '../events/outbox.js';
import { changeAccount, recordAccountCreated } from './account-state.js';
import { startNewAccount } from './start-new-account.js';

// The write half of authorize and ensureConnection: which account a flow connects, and its link.
// It runs under an advisory lock on (project, user, toolkit, alias), so that concurrent calls for
// the same connection, on any instance, find the account the first one created: a unique index
// cannot say this, as PostgreSQL treats the NULL aliases of unnamed accounts as all different.

const LINK_TOKEN_PREFIX = 'cl_';

/** What the checks before it settled: whose account, at which toolkit, through which auth config. */
export interface ConnectionPlan {
  projectId: string;
  session: { id: string; userId: string };
  toolkitId: string;
  authConfigId: string;
  alias: string | null;
  callbackUrl: string | null;
  /** Re-authorize this account; otherwise the user's account at the toolkit (and alias), or a new one. */
  connectedAccountId: string | null;
  linkTtlSeconds: number;
}

/**
 * `authorize` always starts a flow (re-authorizing the account it finds in place); `ensure`
 * starts one only when the account is not ACTIVE, and hands back the link already pending.
 */
export type StartMode = 'authorize' | 'ensure';

export interface StartedLink {
  kind: 'link';
  account: ConnectedAccount;
  link: ConnectLink;
  token: string;
  /** True when the pending link of an earlier call was returned rather than a new one. */
  reused: boolean;
}

export type StartedConnection = { kind: 'active'; account: ConnectedAccount } | StartedLink;

/** Why an older pending link stopped working: a newer link of the same account replaced it. */
export const SUPERSEDED = 'SUPERSEDED';

/** Accounts in the order they are worth reusing: a working one first, then one mid-flow, then the newest. */
const REUSE_RANK: Record<ConnectedAccount['status'], number> = {
  ACTIVE: 0,
  INITIATED: 1,
  EXPIRED: 2,
  INACTIVE: 3,
  FAILED: 4,
  REVOKED: 5,
};

function lockName(plan: ConnectionPlan): string {
  return `connected-account:${JSON.stringify([plan.projectId, plan.session.userId, plan.toolkitId, plan.alias])}`;
}

/** The account this flow connects: the one named (checked), or the user's best one at the toolkit and alias. */
async function findAccountToReuse(tx: Transaction | DomainDeps['prisma'], plan: ConnectionPlan): Promise<ConnectedAccount | null> {
  if (plan.connectedAccountId) {
    const named = await tx.connectedAccount.findFirst({ where: { id: plan.connectedAccountId, projectId: plan.projectId } });
    if (!named) throw notFound('Connected account');
    if (named.userId !== plan.session.userId || named.toolkitId !== plan.toolkitId) {
      throw new DomainError('BAD_USER_INPUT', "The connected account is not this session's user's account at this toolkit.");
    }
    if (named.status === 'REVOKED') throw new DomainError('BAD_USER_INPUT', 'A revoked account cannot be re-authorized.');
    return named;
  }
  const candidates = await tx.connectedAccount.findMany({
    where: {
      projectId: plan.projectId,
      userId: plan.session.userId,
      toolkitId: plan.toolkitId,
      alias: plan.alias,
      status: { not: 'REVOKED' },
    },
    orderBy: { createdAt: 'desc' },
  });
  candidates.sort((a, b) => REUSE_RANK[a.status] - REUSE_RANK[b.status]);
  return candidates[0] ?? null;
}

/** The token of a link, when it was stored and the key ring can still open it. */
function openLinkToken(keyRing: KeyRing, link: ConnectLink): string | null {
  if (!link.encryptedToken) return null;
  try {
    return keyRing.decrypt(link.encryptedToken, link.id);
  } catch {
    return null;
  }
}

/**
 * In `ensure` mode, the pending links of the account: the one this call may hand back (same
 * session and callback URL, most of its life left), and the others, which a new link replaces.
 */
async function pendingLinks(deps: DomainDeps, tx: Transaction, account: ConnectedAccount, plan: ConnectionPlan) {
  const minimumLifeMs = Math.min(60, plan.linkTtlSeconds / 4) * 1000;
  const links = await tx.connectLink.findMany({
    where: { connectedAccountId: account.id, status: 'PENDING', consumedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: 'desc' },
  });
  for (const link of links) {
    const token = openLinkToken(deps.keyRing, link);
    const fits =
      link.sessionId === plan.session.id &&
      link.callbackUrl === plan.callbackUrl &&
      link.expiresAt.getTime() - Date.now() >= minimumLifeMs;
    if (token && fits) return { reusable: { link, token }, others: links.filter((other) => other !== link) };
  }
  return { reusable: null, others: links };
}

/** Ends links that a newer one replaces, so that one connection never has two live links. */
async function supersede(tx: Transaction, account: ConnectedAccount, links: ConnectLink[]): Promise<(RecordedEvent | null)[]> {
  const events: (RecordedEvent | null)[] = [];
  for (const link of links) {
    const ended = await tx.connectLink.updateMany({ where: { id: link.id, status: 'PENDING' }, data: { status: 'EXPIRED' } });
    if (ended.count !== 1) continue;
    events.push(
      await changeAccount(tx, account, {
        type: 'connection.expired',
        eventStatus: 'EXPIRED',
        reason: SUPERSEDED,
        connectLinkId: link.id,
      }),
    );
  }
  return events;
}

/** A new link's token, and the columns of its row that do not depend on the account. */
function newLinkRow(deps: DomainDeps, plan: ConnectionPlan) {
  const token = newSecret(LINK_TOKEN_PREFIX);
  // The id is made here, as it is the associated data of the token's encryption (like every
  // secret at rest, and rotated with them): one insert instead of an insert and an update.
  const id = randomUUID();
  const row = {
    id,
    tokenHash: hashSecret(token),
    encryptedToken: deps.keyRing.encrypt(token, id),
    tokenKeyId: deps.keyRing.activeKeyId,
    sessionId: plan.session.id,
    callbackUrl: plan.callbackUrl,
    expiresAt: new Date(Date.now() + plan.linkTtlSeconds * 1000),
  };
  return { token, row };
}

function aliasConflict(plan: ConnectionPlan) {
  return (error: unknown): never => {
    if (isUniqueViolation(error)) {
      throw new DomainError('CONFLICT', `The alias "${plan.alias}" is already used for this user and toolkit.`);
    }
    throw error;
  };
}

/** Creates the account when needed, and a link for it whose token is returned (stored hashed, and encrypted). */
export async function startConnection(deps: DomainDeps, plan: ConnectionPlan, mode: StartMode): Promise<StartedConnection> {
  const { token, row } = newLinkRow(deps, plan);
  // ensure: an agent asks before every use of a toolkit, and the answer is mostly "ACTIVE",
  // which needs no lock: one read answers it.
  const known = mode === 'ensure' ? await findAccountToReuse(deps.prisma, plan) : undefined;
  if (known?.status === 'ACTIVE') return { kind: 'active', account: known };
  if (!plan.connectedAccountId && !known) {
    // Most flows connect a toolkit the user has no account at yet: one statement does it all.
    const created = await startNewAccount(deps, lockName(plan), {
      projectId: plan.projectId,
      userId: plan.session.userId,
      toolkitId: plan.toolkitId,
      authConfigId: plan.authConfigId,
      alias: plan.alias,
      link: row,
    }).catch(aliasConflict(plan));
    if (created) {
      await publishEvents(deps, [created.event]);
      return { kind: 'link', account: created.account, link: created.link, token, reused: false };
    }
  }
  const { started, events } = await withAdvisoryLock(deps.prisma, lockName(plan), async (tx) => {
    const existing = await findAccountToReuse(tx, plan);
    const events: (RecordedEvent | null)[] = [];
    if (mode === 'ensure' && existing) {
      if (existing.status === 'ACTIVE') return { started: { kind: 'active', account: existing } as const, events };
      const { reusable, others } = await pendingLinks(deps, tx, existing, plan);
      if (reusable) {
        return { started: { kind: 'link', account: existing, ...reusable, reused: true } as const, events };
      }
      events.push(...(await supersede(tx, existing, others)));
    }
    const account =
      existing ??
      (await tx.connectedAccount.create({
        data: {
          projectId: plan.projectId,
          userId: plan.session.userId,
          toolkitId: plan.toolkitId,
          authConfigId: plan.authConfigId,
          alias: plan.alias,
        },
      }));
    const link = await tx.connectLink.create({
      data: { ...row, connectedAccountId: account.id, authConfigId: plan.authConfigId },
    });
    events.push(
      existing
        ? await changeAccount(tx, existing, {
            type: 'connection.reauthorization_started',
            eventStatus: 'INITIATED',
            connectLinkId: link.id,
          })
        : await recordAccountCreated(tx, account, link.id),
    );
    return { started: { kind: 'link', account, link, token, reused: false } as const, events };
  }).catch(aliasConflict(plan));
  await publishEvents(deps, events);
  return started;
}
