import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_ENCRYPTION_KEYS, type TestApp } from './support/app.js';
import { ISSUE_ACCESS_TOKEN } from './support/accounts.js';
import { createPostgresDatabase, type TestDatabase } from './support/databases.js';
import { createKeyAuthConfig } from './support/imports.js';
import { runScript } from './support/scripts.js';
import { createProgress } from '../scripts/import-progress.js';

/** Runs `npm run import` against the test database. */
const runImport = (args: string[], env: Record<string, string | undefined>) =>
  runScript('import', args, { DATABASE_URL: undefined, REDIS_URL: undefined, ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS, LOG_LEVEL: 'warn', ...env });

const key = (name: string) => `sk-proj-${name.padEnd(32, 'z')}`;

describe('npm run import (PostgreSQL)', () => {
  let database: TestDatabase;
  let app: TestApp;
  let dir: string;
  let authConfigId: string;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    app = await startTestApp(database, {}, { sweepIntervalMs: 60_000 });
    authConfigId = await createKeyAuthConfig(app, 'openai');
    dir = await mkdtemp(join(tmpdir(), 'connect-import-'));
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('imports good lines, updates repeated ones, and reports every bad line by number without stopping or echoing secrets', { timeout: 120_000 }, async () => {
    const line = (userId: string, apiKey: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ userId, toolkit: 'openai', authConfigId, credentials: { fields: [{ name: 'apiKey', value: apiKey }] }, ...extra });
    const lines = [
      line('u_one', key('first')), // 1
      `{"userId": "u_broken", "credentials": {"fields": [{"name": "apiKey", "value": "${key('broken')}"`, // 2: cut short
      '', // 3: blank, skipped
      line('u_unknown', key('unknown'), { toolkit: 'no-such-toolkit' }), // 4
      line('u_bad', 'not-a-key'), // 5
      line('u_two', key('second'), { alias: 'work' }), // 6
      line('u_one', key('replaced')), // 7: same account as line 1
      line('u_badid', key('badid'), { authConfigId: 'nope' }), // 8
      '["an array"]', // 9
    ];
    const file = join(dir, 'accounts.jsonl');
    await writeFile(file, lines.join('\n') + '\n');

    const run = await runImport([file, '--batch-size', '2'], { DATABASE_URL: database.url });
    expect(run.stderr).not.toContain('import failed');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('imported: 2');
    expect(run.stdout).toContain('updated:  1');
    expect(run.stdout).toContain('refused:  5');
    expect(run.stdout).toContain('line 2: not valid JSON');
    expect(run.stdout).toContain('line 4: Toolkit "no-such-toolkit" was not found.');
    expect(run.stdout).toContain('line 5: Invalid import: API key does not look right.');
    expect(run.stdout).toMatch(/line 8: authConfigId: "nope" is not a valid ID/);
    expect(run.stdout).toContain('line 9: not a JSON object');
    expect(run.stdout).not.toMatch(/line [1367]:/);
    // Not a terminal: plain progress lines, no bar.
    expect(run.stderr).toMatch(/^progress: 9 lines: 2 imported, 1 updated, 5 refused$/m);
    expect(run.stderr).not.toContain('\r');
    for (const secret of ['first', 'broken', 'unknown', 'second', 'replaced', 'badid'].map(key)) {
      expect(run.stdout + run.stderr).not.toContain(secret);
    }

    const accounts = await app.database.prisma.connectedAccount.findMany({ orderBy: { userId: 'asc' } });
    expect(accounts.map((a) => [a.userId, a.alias, a.status])).toEqual([
      ['u_one', null, 'ACTIVE'],
      ['u_two', 'work', 'ACTIVE'],
    ]);
    const issued = await app.gql(ISSUE_ACCESS_TOKEN, { id: Buffer.from(`ConnectedAccount:${accounts[0]!.id}`).toString('base64') });
    expect(issued.data!.issueAccessToken.accessToken).toBe(key('replaced'));
    const events = await app.database.prisma.connectionEvent.findMany({ where: { type: 'connection.imported' } });
    expect(events).toHaveLength(3);
    expect(events.every((event) => event.publishedAt !== null)).toBe(true);

    // Running the same file again changes nothing but the credentials: no duplicates.
    const again = await runImport([file], { DATABASE_URL: database.url });
    expect(again.stdout).toContain('imported: 0');
    expect(again.stdout).toContain('updated:  3');
    expect(await app.database.prisma.connectedAccount.count()).toBe(2);
    // In one batch this time: line 7 still comes after line 1.
    const last = await app.gql(ISSUE_ACCESS_TOKEN, { id: Buffer.from(`ConnectedAccount:${accounts[0]!.id}`).toString('base64') });
    expect(last.data!.issueAccessToken.accessToken).toBe(key('replaced'));

    // A new key twice in one batch: one account, with the later line's key.
    const twice = join(dir, 'twice.jsonl');
    await writeFile(twice, [line('u_twice', key('twice-a')), line('u_twice', key('twice-b'))].join('\n'));
    const both = await runImport([twice], { DATABASE_URL: database.url });
    expect(both.stdout).toContain('imported: 1');
    expect(both.stdout).toContain('updated:  1');
    const [account, ...others] = await app.database.prisma.connectedAccount.findMany({ where: { userId: 'u_twice' } });
    expect(others).toEqual([]);
    const latest = await app.gql(ISSUE_ACCESS_TOKEN, { id: Buffer.from(`ConnectedAccount:${account!.id}`).toString('base64') });
    expect(latest.data!.issueAccessToken.accessToken).toBe(key('twice-b'));
  });

  it('fails with a clear message without a file, with a missing one or a bad batch size, writing nothing', { timeout: 120_000 }, async () => {
    const missing = await runImport([join(dir, 'missing.jsonl')], { DATABASE_URL: database.url });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('import failed: ENOENT');
    const usage = await runImport([], { DATABASE_URL: database.url });
    expect(usage.stderr).toContain('usage: npm run import -- <file.jsonl>');
    const batch = await runImport([join(dir, 'accounts.jsonl'), '--batch-size', '0'], { DATABASE_URL: database.url });
    expect(batch.stderr).toContain('--batch-size must be an integer');
    expect(await app.database.prisma.connectedAccount.count()).toBe(3);
  });
});

describe('import progress', () => {
  const recorder = (isTTY: boolean) => {
    const written: string[] = [];
    return { written, stream: { isTTY, write: (chunk: string) => written.push(chunk) } as unknown as NodeJS.WriteStream };
  };

  it('draws a bar in place on a terminal and ends its line once', () => {
    const { written, stream } = recorder(true);
    const progress = createProgress(stream, 1000);
    progress.update(500, 10, 8, 1, 1);
    progress.update(1000, 20, 17, 2, 1);
    progress.done();
    progress.done();
    expect(written[0]).toMatch(/^\r\[#{15}-{15}\]  50% 10 lines: 8 imported, 1 updated, 1 refused/);
    expect(written[1]).toMatch(/^\r\[#{30}\] 100% 20 lines/);
    expect(written.slice(2)).toEqual(['\n']);
  });

  it('writes plain lines, at most one per thousand input lines, and the last one, otherwise', () => {
    const { written, stream } = recorder(false);
    const progress = createProgress(stream, 10_000);
    for (let lines = 200; lines <= 2400; lines += 200) progress.update(lines * 4, lines, lines, 0, 0);
    progress.update(10_000, 2500, 2500, 0, 0);
    progress.done();
    expect(written).toEqual([
      'progress: 1000 lines: 1000 imported, 0 updated, 0 refused\n',
      'progress: 2000 lines: 2000 imported, 0 updated, 0 refused\n',
      'progress: 2500 lines: 2500 imported, 0 updated, 0 refused\n',
    ]);
  });
});
