import type { PrismaClient } from '../../db/index.js';
import type { EventBus } from '../../events/bus.js';
import type { Logger } from '../../logger.js';

/** What an open status subscription follows: a Connect Link's flow or an account's status. */
export type WatchTarget = { kind: 'link'; id: string } | { kind: 'account'; id: string };

export interface WatchHandle {
  /** Records what the subscriber has seen last (a link's latest event id, an account's status key). */
  seen(marker: string): void;
  close(): void;
}

export interface StatusWatch {
  /** `nudge` is called when the state may have changed without an event reaching this instance. */
  register(target: WatchTarget, nudge: () => void): WatchHandle;
  /** One batched check of every open subscription against the database (also run on a timer). */
  check(): Promise<void>;
  stop(): void;
}

/** How often open subscriptions are compared with the database, as a safety net under the bus. */
export const STATUS_CHECK_MS = 15_000;

/** The marker of an account's status as subscribers see it: a change of any part is a change. */
export function accountMarker(account: { status: string; statusReason: string | null; statusChangedAt: Date }): string {
  return `${account.status}|${account.statusReason}|${account.statusChangedAt.getTime()}`;
}

/** One open subscription as the watch holds it (one per subscription: a plain object). */
class Watcher implements WatchHandle {
  marker: string | null = null;

  constructor(
    private readonly watchers: Set<Watcher>,
    readonly target: WatchTarget,
    readonly nudge: () => void,
  ) {}

  seen(marker: string): void {
    this.marker = marker;
  }

  close(): void {
    this.watchers.delete(this);
  }
}

/**
 * Events travel on the bus once; an instance whose Redis subscription was down when one went
 * out would never hear of it. Two things close that gap: when the bus re-subscribes after a
 * reconnect, every open subscription re-reads its state; and every `intervalMs` one query per
 * kind compares all open subscriptions with the database and nudges those that fell behind.
 */
export function createStatusWatch(
  deps: { prisma: PrismaClient; bus: EventBus; logger: Logger },
  intervalMs = STATUS_CHECK_MS,
): StatusWatch {
  const watchers = new Set<Watcher>();
  let checking = false;

  function nudgeAll() {
    for (const watcher of watchers) watcher.nudge();
  }

  async function check() {
    const links = new Set<string>();
    const accounts = new Set<string>();
    for (const { target } of watchers) (target.kind === 'link' ? links : accounts).add(target.id);
    if (links.size + accounts.size === 0) return;
    const [latestEvents, accountRows] = await Promise.all([
      links.size === 0
        ? []
        : deps.prisma.$queryRaw<{ connectLinkId: string; id: string }[]>`
            SELECT DISTINCT ON ("connectLinkId") "connectLinkId", "id" FROM "ConnectionEvent"
            WHERE "connectLinkId" = ANY(${[...links]}::text[])
            ORDER BY "connectLinkId", "occurredAt" DESC, "id" DESC`,
      accounts.size === 0
        ? []
        : deps.prisma.connectedAccount.findMany({
            where: { id: { in: [...accounts] } },
            select: { id: true, status: true, statusReason: true, statusChangedAt: true },
          }),
    ]);
    const current = new Map<string, string | null>();
    for (const row of latestEvents) current.set(`link:${row.connectLinkId}`, row.id);
    for (const id of accounts) current.set(`account:${id}`, null);
    for (const row of accountRows) current.set(`account:${row.id}`, accountMarker(row));
    for (const watcher of watchers) {
      const now = current.get(`${watcher.target.kind}:${watcher.target.id}`);
      // A deleted account (null) is a change too: its subscriber ends.
      if (now !== undefined && now !== watcher.marker) watcher.nudge();
    }
  }

  const stopListening = deps.bus.onResubscribed(nudgeAll);
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    check()
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'checking open subscriptions against the database failed'))
      .finally(() => {
        checking = false;
      });
  }, intervalMs).unref();

  return {
    register(target, nudge) {
      const watcher = new Watcher(watchers, target, nudge);
      watchers.add(watcher);
      return watcher;
    },
    check,
    stop() {
      clearInterval(timer);
      stopListening();
      watchers.clear();
    },
  };
}
