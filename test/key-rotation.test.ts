import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '../src/db/index.js';
import { generateApiKey, storeApiKey } from '../src/domain/access/api-keys.js';
import { KeyRing } from '../src/domain/crypto/encryption.js';
import { ENCRYPTED_COLUMNS, rotateEncryption, type RotationReport } from '../src/domain/crypto/key-rotation.js';
import { getDatamodel } from '../src/generated/pothos-prisma-types.js';
import { createLogger } from '../src/logger.js';
import { TEST_ENCRYPTION_KEYS, startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { authorizeLink, rawId, startSession } from './support/connect.js';
import { createPostgresDatabase, databaseModes, type TestDatabase } from './support/databases.js';
import { runScript } from './support/scripts.js';

const key = (kid: string, fill: number) => `${kid}:${Buffer.alloc(32, fill).toString('base64')}`;
const KEY_A = TEST_ENCRYPTION_KEYS; // kid test1: what every test app writes with
const [KEY_B, KEY_C, KEY_D, KEY_E, KEY_LOST] = [11, 12, 13, 14, 15].map((fill, i) => key(`rot${i}`, fill)) as [string, string, string, string, string];
const kidOf = (spec: string) => spec.split(':')[0]!;

const ROTATE = /* GraphQL */ `
  mutation Rotate($input: RotateEncryptionKeysInput!) {
    rotateEncryptionKeys(input: $input) { activeKeyId complete tables { table rotated skipped failed failedIds remaining } }
  }
`;

/** Every secret the tests store, to check that no output ever contains one. */
const secrets: string[] = [];

/** An API-key account, connected through the hosted form as an end user would. */
async function connectApiKeyAccount(app: TestApp, userId: string): Promise<string> {
  const apiKey = `sk-proj-${userId}-${'x'.repeat(40)}`;
  secrets.push(apiKey);
  const { session, clientToken } = await startSession(app, userId, ['openai']);
  const { connectLink, connectedAccount } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
  const browser = new Browser();
  const form = Browser.parseForm(await (await browser.request(connectLink.url)).text(), connectLink.url);
  const done = await browser.request(form.action, { method: 'POST', form: { ...form.fields, apiKey } });
  expect(done.status).toBe(200);
  return rawId(connectedAccount.id);
}

/** Two accounts, an auth config with a client secret and a webhook endpoint, all through the API. */
async function seed(app: TestApp, tag: string): Promise<void> {
  await connectApiKeyAccount(app, `${tag}_1`);
  await connectApiKeyAccount(app, `${tag}_2`);
  const clientSecret = `client-secret-${tag}-0123456789`;
  secrets.push(clientSecret);
  const config = await app.gql(
    `mutation($input: CreateAuthConfigInput!) { createAuthConfig(input: $input) { authConfig { id } } }`,
    { input: { toolkit: 'github', name: `GitHub ${tag}`, credentials: { clientId: `client-${tag}`, clientSecret } } },
  );
  expect(config.errors).toBeUndefined();
  const hook = await app.gql(
    `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }`,
    { input: { url: `http://127.0.0.1:9/${tag}` } },
  );
  expect(hook.errors).toBeUndefined();
  secrets.push(hook.data!.createWebhookEndpoint.secret);
}

interface EncryptedRow {
  table: string;
  id: string;
  ciphertext: string;
  keyId: string | null;
}

/** Every encrypted row, read with Prisma (not through the code under test). */
async function encryptedRows(prisma: PrismaClient): Promise<EncryptedRow[]> {
  const select = { id: true, encryptedCredentials: true, credentialsKeyId: true } as const;
  const where = { encryptedCredentials: { not: null } };
  const [accounts, configs, hooks, links] = await Promise.all([
    prisma.connectedAccount.findMany({ where, select }),
    prisma.authConfig.findMany({ where, select }),
    prisma.webhookEndpoint.findMany({ select: { id: true, encryptedSecret: true, secretKeyId: true } }),
    prisma.connectLink.findMany({ where: { encryptedToken: { not: null } }, select: { id: true, encryptedToken: true, tokenKeyId: true } }),
  ]);
  return [
    ...accounts.map((r) => ({ table: 'ConnectedAccount', id: r.id, ciphertext: r.encryptedCredentials!, keyId: r.credentialsKeyId })),
    ...configs.map((r) => ({ table: 'AuthConfig', id: r.id, ciphertext: r.encryptedCredentials!, keyId: r.credentialsKeyId })),
    ...hooks.map((r) => ({ table: 'WebhookEndpoint', id: r.id, ciphertext: r.encryptedSecret, keyId: r.secretKeyId })),
    ...links.map((r) => ({ table: 'ConnectLink', id: r.id, ciphertext: r.encryptedToken!, keyId: r.tokenKeyId })),
  ];
}

/** table:id → plaintext, decrypted with `spec`. */
async function plaintexts(prisma: PrismaClient, spec: string): Promise<Map<string, string>> {
  const ring = KeyRing.parse(spec);
  return new Map((await encryptedRows(prisma)).map((r) => [`${r.table}:${r.id}`, ring.decrypt(r.ciphertext, r.id)]));
}

/** Every row is under `spec`'s single key (column and ciphertext) and decrypts to `expected` with it alone. */
async function expectAllUnder(prisma: PrismaClient, spec: string, expected: Map<string, string>) {
  const ring = KeyRing.parse(spec);
  const rows = await encryptedRows(prisma);
  expect(rows.length).toBe(expected.size);
  for (const row of rows) {
    expect(row.keyId, `${row.table} ${row.id}`).toBe(ring.activeKeyId);
    expect(KeyRing.keyIdOf(row.ciphertext)).toBe(ring.activeKeyId);
    expect(ring.decrypt(row.ciphertext, row.id)).toBe(expected.get(`${row.table}:${row.id}`));
  }
}

function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk, _encoding, done) => void (lines.push(String(chunk)), done()) });
  return { logger: createLogger('debug', stream), lines };
}

const total = (report: RotationReport, field: 'rotated' | 'skipped' | 'failed' | 'remaining') =>
  report.tables.reduce((sum, t) => sum + t[field], 0);
const tableOf = (report: { tables: { table: string }[] }, table: string) => report.tables.find((t) => t.table === table)!;

describe('the registry of encrypted columns', () => {
  it('lists every encrypted column of the schema, with an id and a key id column', () => {
    const models = getDatamodel().datamodel.models;
    const inSchema = Object.entries(models).flatMap(([table, model]) =>
      model.fields.filter((f) => f.kind === 'scalar' && f.name.startsWith('encrypted')).map((f) => `${table}.${f.name}`),
    );
    expect(ENCRYPTED_COLUMNS.map((c) => `${c.table}.${c.ciphertextColumn}`).sort()).toEqual(inSchema.sort());
    for (const column of ENCRYPTED_COLUMNS) {
      const fields = models[column.table]!.fields;
      expect(fields.find((f) => f.name === column.idColumn)?.isId, column.table).toBe(true);
      expect(fields.find((f) => f.name === column.keyIdColumn)?.type, column.table).toBe('String');
    }
  });
});

for (const mode of databaseModes) {
  describe(`key rotation (${mode.name})`, () => {
    let database: TestDatabase;
    let app: TestApp;
    let expected: Map<string, string>;
    // An instance restarted with `spec` (the in-memory PGlite cannot outlive the app, so the
    // ring is swapped under the same database instead of restarting the process).
    const restartedWith = (spec: string, logger = capturingLogger().logger, prisma = app.database.prisma) => ({
      prisma,
      keyRing: KeyRing.parse(spec),
      logger,
    });

    beforeAll(async () => {
      database = await mode.create();
      app = await startTestApp(database, {}, { sweepIntervalMs: 60_000 });
      await seed(app, `u_${mode.name}`);
      expected = await plaintexts(app.database.prisma, KEY_A);
    });
    afterAll(async () => {
      await app?.stop();
      await database?.drop();
    });

    it('moves every row from key A to B (B,A), resumably; B alone then reads them all', async () => {
      const before = await encryptedRows(app.database.prisma);
      expect(new Set(before.map((r) => r.table))).toEqual(new Set(ENCRYPTED_COLUMNS.map((c) => c.table)));
      expect(before.every((r) => r.keyId === kidOf(KEY_A))).toBe(true);

      const interrupted = await rotateEncryption(restartedWith(`${KEY_B},${KEY_A}`), { maxRows: 1 });
      expect(total(interrupted, 'rotated')).toBe(1);
      expect(total(interrupted, 'remaining')).toBe(before.length - 1);
      expect(interrupted.complete).toBe(false);

      const resumed = await rotateEncryption(restartedWith(`${KEY_B},${KEY_A}`), { batchSize: 2 });
      expect(total(resumed, 'rotated')).toBe(before.length - 1);
      expect(resumed).toMatchObject({ activeKeyId: kidOf(KEY_B), complete: true });
      expect(total(resumed, 'skipped') + total(resumed, 'failed') + total(resumed, 'remaining')).toBe(0);
      await expectAllUnder(app.database.prisma, KEY_B, expected);

      const again = await rotateEncryption(restartedWith(`${KEY_B},${KEY_A}`));
      expect(total(again, 'rotated')).toBe(0);
    });

    it('lets a write made between read and write win (skipped), and retries one made under an old key', async () => {
      const [target, other] = (await encryptedRows(app.database.prisma)).filter((r) => r.table === 'ConnectedAccount');
      // Another instance rewrites the row right after the rotation read its batch.
      const rewriteAfterRead = (id: string, spec: string) => {
        let done = false;
        return new Proxy(app.database.prisma, {
          get(prisma, property) {
            if (property !== '$queryRaw') {
              const value: unknown = Reflect.get(prisma, property, prisma);
              return typeof value === 'function' ? value.bind(prisma) : value;
            }
            return async (...args: Parameters<PrismaClient['$queryRaw']>) => {
              const rows: unknown = await prisma.$queryRaw(...args);
              if (!done && Array.isArray(rows) && rows.some((r: { id?: string }) => r.id === id)) {
                done = true;
                const stored = JSON.parse(expected.get(`ConnectedAccount:${id}`)!);
                const plaintext = JSON.stringify({ ...stored, fields: { ...stored.fields, apiKey: `sk-new-${id}` } });
                expected.set(`ConnectedAccount:${id}`, plaintext);
                const ring = KeyRing.parse(spec);
                await prisma.connectedAccount.update({
                  where: { id },
                  data: { encryptedCredentials: ring.encrypt(plaintext, id), credentialsKeyId: ring.activeKeyId, version: { increment: 1 } },
                });
              }
              return rows;
            };
          },
        }) as PrismaClient;
      };

      // Written by an instance already on C: the rotation's compare-and-swap fails, the row is left alone.
      const raced = await rotateEncryption(restartedWith(`${KEY_C},${KEY_B}`, undefined, rewriteAfterRead(target!.id, `${KEY_C},${KEY_B}`)));
      expect(tableOf(raced, 'ConnectedAccount')).toMatchObject({ skipped: 1, remaining: 0 });
      expect(total(raced, 'rotated')).toBe(expected.size - 1);
      await expectAllUnder(app.database.prisma, KEY_C, expected);

      // Written by an instance still on C after the switch to D: tried again, and rotated.
      const retried = await rotateEncryption(restartedWith(`${KEY_D},${KEY_C}`, undefined, rewriteAfterRead(other!.id, KEY_C)));
      expect(tableOf(retried, 'ConnectedAccount')).toMatchObject({ skipped: 0, remaining: 0 });
      expect(total(retried, 'rotated')).toBe(expected.size);
      await expectAllUnder(app.database.prisma, KEY_D, expected);
    });

    it('reports a row under a key not in the ring by id, rotates the others, and never logs a secret', async () => {
      const config = (await encryptedRows(app.database.prisma)).find((r) => r.table === 'AuthConfig')!;
      const lost = KeyRing.parse(KEY_LOST).encrypt(expected.get(`AuthConfig:${config.id}`)!, config.id);
      await app.database.prisma.authConfig.update({ where: { id: config.id }, data: { encryptedCredentials: lost, credentialsKeyId: kidOf(KEY_LOST) } });

      const { logger, lines } = capturingLogger();
      const report = await rotateEncryption(restartedWith(`${KEY_E},${KEY_D}`, logger));
      expect(tableOf(report, 'AuthConfig')).toMatchObject({ failed: 1, failedIds: [config.id], remaining: 1 });
      expect(total(report, 'rotated')).toBe(expected.size - 1);
      expect(report.complete).toBe(false);
      const stored = await app.database.prisma.authConfig.findUniqueOrThrow({ where: { id: config.id } });
      expect(stored.encryptedCredentials).toBe(lost);

      const log = lines.join('');
      expect(log).toContain(config.id);
      const warning = lines.map((line) => JSON.parse(line)).find((entry) => entry.id === config.id);
      expect(warning).toMatchObject({ table: 'AuthConfig', reason: `No key "${kidOf(KEY_LOST)}" in ENCRYPTION_KEYS to decrypt with.` });
      for (const secret of [...secrets, ...expected.values(), lost]) expect(log).not.toContain(secret);
    });
  });
}

/** Runs `npm run keys:rotate` against a PostgreSQL database. */
const runRotateScript = (env: Record<string, string | undefined>) =>
  runScript('keys:rotate', [], { DATABASE_URL: undefined, ENCRYPTION_KEYS: undefined, LOG_LEVEL: 'info', ...env });

describe('rotating after a real restart: the mutation and npm run keys:rotate (PostgreSQL)', () => {
  let database: TestDatabase;
  let app: TestApp;
  let expected: Map<string, string>;
  let accountId: string;
  let otherProjectKey: string;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    app = await startTestApp(database, {}, { sweepIntervalMs: 60_000 });
    await seed(app, 'u_restart');
    accountId = (await encryptedRows(app.database.prisma)).find((r) => r.table === 'ConnectedAccount')!.id;
    expected = await plaintexts(app.database.prisma, KEY_A);
    const other = await app.database.prisma.project.create({ data: { name: 'Tenant' } });
    otherProjectKey = generateApiKey();
    await storeApiKey(app.database.prisma, other.id, otherProjectKey, 'tenant');
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('rotateEncryptionKeys: default project only; after it, an instance with the new key alone serves everything', async () => {
    await app.stop();
    app = await startTestApp(database, { ENCRYPTION_KEYS: `${KEY_B},${KEY_A}` }, { sweepIntervalMs: 60_000 });

    const forbidden = await app.gql(ROTATE, { input: {} }, otherProjectKey);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const invalid = await app.gql(ROTATE, { input: { batchSize: 0 } });
    expect(invalid.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await encryptedRows(app.database.prisma)).every((r) => r.keyId === kidOf(KEY_A))).toBe(true);

    const partial = await app.gql(ROTATE, { input: { maxRows: 2 } });
    expect(partial.errors).toBeUndefined();
    expect(partial.data!.rotateEncryptionKeys).toMatchObject({ activeKeyId: kidOf(KEY_B), complete: false });
    const rotated = await app.gql(ROTATE, { input: { batchSize: 1 } });
    expect(rotated.errors).toBeUndefined();
    const result = rotated.data!.rotateEncryptionKeys;
    expect(result.complete).toBe(true);
    expect(result.tables.map((t: { table: string }) => t.table)).toEqual(ENCRYPTED_COLUMNS.map((c) => c.table));
    expect(result.tables.reduce((sum: number, t: { rotated: number }) => sum + t.rotated, 0)).toBe(expected.size - 2);

    await app.stop();
    app = await startTestApp(database, { ENCRYPTION_KEYS: KEY_B }, { sweepIntervalMs: 60_000 });
    await expectAllUnder(app.database.prisma, KEY_B, expected);
    const issued = await app.gql(
      `mutation($id: ID!) { issueAccessToken(input: { connectedAccountId: $id }) { accessToken } }`,
      { id: Buffer.from(`ConnectedAccount:${accountId}`).toString('base64') },
    );
    expect(issued.errors).toBeUndefined();
    expect(issued.data!.issueAccessToken.accessToken).toBe(JSON.parse(expected.get(`ConnectedAccount:${accountId}`)!).fields.apiKey);
  });

  it('npm run keys:rotate: exits 0 with a summary and no secrets; 1 naming a row it cannot decrypt', { timeout: 120_000 }, async () => {
    const url = database.url!;
    const ok = await runRotateScript({ DATABASE_URL: url, ENCRYPTION_KEYS: `${KEY_C},${KEY_B}` });
    expect(ok.stderr).not.toContain('keys:rotate failed');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`Re-encrypting under key "${kidOf(KEY_C)}" (postgres)`);
    expect(ok.stdout).toMatch(/ConnectedAccount: \d+ rotated, 0 skipped, 0 failed, 0 remaining/);
    expect(ok.stdout).toContain('Done');
    await expectAllUnder(app.database.prisma, KEY_C, expected);

    const config = (await encryptedRows(app.database.prisma)).find((r) => r.table === 'AuthConfig')!;
    const lost = KeyRing.parse(KEY_LOST).encrypt(expected.get(`AuthConfig:${config.id}`)!, config.id);
    await app.database.prisma.authConfig.update({ where: { id: config.id }, data: { encryptedCredentials: lost, credentialsKeyId: kidOf(KEY_LOST) } });
    const failed = await runRotateScript({ DATABASE_URL: url, ENCRYPTION_KEYS: `${KEY_D},${KEY_C}` });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/AuthConfig: 0 rotated, 0 skipped, 1 failed, 1 remaining/);
    expect(failed.stdout).toContain(config.id);
    expect(failed.stdout).toContain('Not done');

    const unconfigured = await runRotateScript({ DATABASE_URL: url });
    expect(unconfigured.code).toBe(1);
    expect(unconfigured.stderr).toContain('ENCRYPTION_KEYS is required');

    const keyMaterial = [KEY_B, KEY_C, KEY_D, KEY_LOST].map((spec) => spec.split(':')[1]!);
    for (const run of [ok, failed, unconfigured]) {
      for (const secret of [...secrets, ...expected.values(), ...keyMaterial, lost]) {
        expect(run.stdout + run.stderr).not.toContain(secret);
      }
    }
  });
});
