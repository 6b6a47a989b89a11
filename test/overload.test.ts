import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { isDatabaseBusy, openDatabase, type Database } from '../src/db/index.js';
import { createPGliteDatabase } from './support/databases.js';

/** Holds the embedded database's only connection in a transaction for `ms`. */
function hold(db: Database, ms: number) {
  return db.prisma.$transaction(() => sleep(ms), { maxWait: 60_000, timeout: 60_000 });
}

describe('transactions in a burst', () => {
  let db: Database | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it('wait for a connection well past Prisma’s 2 s default instead of failing', async () => {
    db = await openDatabase((await createPGliteDatabase()).target);
    const holder = hold(db, 3_000);
    await sleep(50);
    // Without a longer wait, Prisma gives up after 2 s: "Unable to start a transaction in the given time".
    await expect(db.prisma.$transaction(async (tx) => tx.project.count())).resolves.toBeGreaterThanOrEqual(0);
    await holder;
  });

  it('say the database is busy once the configured wait is over', async () => {
    db = await openDatabase((await createPGliteDatabase()).target, { transactionMaxWaitMs: 200 });
    const holder = hold(db, 1_000);
    await sleep(50);
    const error = await db.prisma.$transaction(async (tx) => tx.project.count()).catch((e: unknown) => e);
    expect(isDatabaseBusy(error)).toBe(true);
    expect(isDatabaseBusy(new Error('unrelated'))).toBe(false);
    await holder;
  });
});
