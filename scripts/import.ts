// `npm run import -- <file.jsonl> [--project <id>] [--batch-size N]`: imports connected accounts,
// one JSON object a line (the input of importConnectedAccount; see README, "Importing existing
// connections"), through the same domain function, a batch at a time (one transaction each,
// or one per line when a batch cannot be written whole): a refused or malformed line changes
// nothing and never stops the rest; lines already imported are updated, not duplicated, when
// the file is run again.
// Progress goes to stderr (a bar on a terminal, plain lines otherwise); the summary to stdout.
// Exits 0 when every line was imported or updated, 1 otherwise. Never prints a credential.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { databaseTargetOf } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase, type DatabaseTarget } from '../src/db/index.js';
import { importAccounts } from '../src/domain/connections/import.js';
import { loadKeyRing, type KeyRingFallback } from '../src/domain/crypto/encryption.js';
import type { CoreDeps } from '../src/domain/deps.js';
import { DomainError } from '../src/domain/errors.js';
import { rawIdOf } from '../src/domain/public-ids.js';
import { createEgress } from '../src/egress/index.js';
import { createReadCache } from '../src/domain/access/read-cache.js';
import { createPublishedMarks } from '../src/domain/events/outbox.js';
import { createEventBus } from '../src/events/bus.js';
import { createLogger } from '../src/logger.js';
import { createProgress } from './import-progress.js';

const MAX_LINE_LENGTH = 64 * 1024;

// The app's rule (src/app.ts): PostgreSQL needs ENCRYPTION_KEYS; the embedded database uses the key file in DATA_DIR.
function keyRingFallbackOf(target: DatabaseTarget): KeyRingFallback {
  if (target.kind === 'postgres') return { kind: 'refuse' };
  return target.kind === 'pglite' ? { kind: 'data-dir', dataDir: target.dataDir } : { kind: 'memory' };
}

/** A line as the domain function's input (ids raw), or why it cannot be one. Never echoes the line. */
function parseLine(line: string): { input: Record<string, unknown> } | { refused: string } {
  if (line.length > MAX_LINE_LENGTH) return { refused: `longer than ${MAX_LINE_LENGTH} characters` };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    // JSON.parse's message quotes the text, which may hold a token.
    return { refused: 'not valid JSON' };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { refused: 'not a JSON object' };
  const input = value as Record<string, unknown>;
  if (typeof input.authConfigId !== 'string') return { refused: 'authConfigId: must be the ID of an AuthConfig' };
  try {
    return { input: { ...input, authConfigId: rawIdOf(input.authConfigId, 'AuthConfig', 'authConfigId') } };
  } catch (error) {
    return { refused: `authConfigId: ${(error as Error).message}` };
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { project: { type: 'string' }, 'batch-size': { type: 'string' } },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new Error('usage: npm run import -- <file.jsonl> [--project <id>] [--batch-size N]');
  const batchSize = Number(values['batch-size'] ?? 200);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new Error('--batch-size must be an integer from 1 to 10000');
  const { size } = await stat(file);

  const config = loadConfig();
  const logger = createLogger(config.logLevel, pino.destination(2));
  const target = databaseTargetOf(config);
  const keyRing = await loadKeyRing(config.encryptionKeys, keyRingFallbackOf(target), (m) => logger.warn(m));
  const database = await openDatabase(target);
  const bus = createEventBus(config.redisUrl);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const tally = { imported: 0, updated: 0, refused: [] as { line: number; reason: string }[] };
  const progress = createProgress(process.stderr, size);
  try {
    await bus.ready();
    const project = await database.prisma.project.findFirst({ where: values.project ? { id: values.project } : { isDefault: true } });
    if (!project) throw new Error(values.project ? `no project "${values.project}"` : 'no default project yet: start the server once');
    const deps: CoreDeps = {
      prisma: database.prisma,
      keyRing,
      bus,
      logger,
      publicUrl: config.publicUrl ?? `http://localhost:${config.port}`,
      managedOAuthApps: config.managedOAuthApps,
      egress: createEgress(config.egressAllowPrivate),
      // The webhooks owed are in the outbox; the servers' sweepers deliver them within seconds.
      webhookDelivery: { trigger: () => undefined, idle: async () => undefined },
      readCache: createReadCache(bus, logger),
      publishedMarks: createPublishedMarks(database.prisma),
    };

    let batch: { line: number; input: Record<string, unknown> }[] = [];
    let lineNumber = 0;
    let bytes = 0;
    const flush = async () => {
      const outcomes = await importAccounts(deps, project.id, batch.map((entry) => entry.input));
      outcomes.forEach((outcome, i) => {
        if (outcome.ok) {
          if (outcome.created) tally.imported++;
          else tally.updated++;
          return;
        }
        const line = batch[i]!.line;
        if (outcome.error instanceof DomainError) return void tally.refused.push({ line, reason: outcome.error.message });
        logger.error({ err: outcome.error, line }, 'import of a line failed unexpectedly');
        tally.refused.push({ line, reason: 'unexpected error (see the log)' });
      });
      batch = [];
      progress.update(bytes, lineNumber, tally.imported, tally.updated, tally.refused.length);
    };
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      lineNumber++;
      bytes += Buffer.byteLength(line) + 1;
      if (!line.trim()) continue;
      const parsed = parseLine(line);
      if ('refused' in parsed) tally.refused.push({ line: lineNumber, reason: parsed.refused });
      else batch.push({ line: lineNumber, input: parsed.input });
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    progress.done();
    out(`Imported ${file} into project ${project.id} (${database.kind}):`);
    out(`  imported: ${tally.imported}`);
    out(`  updated:  ${tally.updated}`);
    out(`  refused:  ${tally.refused.length}`);
    for (const { line, reason } of tally.refused.sort((a, b) => a.line - b.line)) out(`    line ${line}: ${reason}`);
    return tally.refused.length === 0 ? 0 : 1;
  } finally {
    progress.done();
    await bus.close();
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Config, key ring and usage errors are written to be shown; they carry no secrets.
    process.stderr.write(`import failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
