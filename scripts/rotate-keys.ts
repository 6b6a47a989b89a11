// `npm run keys:rotate [-- --batch-size N]`: re-encrypts every secret at rest under the active
// (first) key of ENCRYPTION_KEYS while the servers keep running (PostgreSQL; the embedded
// database belongs to one process, so there stop the server first, or use the mutation).
// Exits 0 when nothing is left under an old key (the old keys may then be removed), 1
// otherwise. Prints counts and row ids only, never a secret or a key.
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { databaseTargetOf } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase, type DatabaseTarget } from '../src/db/index.js';
import { loadKeyRing, type KeyRingFallback } from '../src/domain/crypto/encryption.js';
import { rotateEncryption } from '../src/domain/crypto/key-rotation.js';
import { createLogger } from '../src/logger.js';

// The app's rule (src/app.ts): PostgreSQL needs ENCRYPTION_KEYS; the embedded database uses the
// key file generated in DATA_DIR.
function keyRingFallbackOf(target: DatabaseTarget): KeyRingFallback {
  if (target.kind === 'postgres') return { kind: 'refuse' };
  return target.kind === 'pglite' ? { kind: 'data-dir', dataDir: target.dataDir } : { kind: 'memory' };
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { 'batch-size': { type: 'string' } } });
  const config = loadConfig();
  // Logs (JSON) go to stderr so that stdout is the summary alone.
  const logger = createLogger(config.logLevel, pino.destination(2));
  const target = databaseTargetOf(config);
  const keyRing = await loadKeyRing(config.encryptionKeys, keyRingFallbackOf(target), (m) => logger.warn(m));
  const database = await openDatabase(target);
  try {
    const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
    const report = await rotateEncryption({ prisma: database.prisma, keyRing, logger }, { batchSize });
    const out = (line: string) => process.stdout.write(`${line}\n`);
    out(`Re-encrypting under key "${report.activeKeyId}" (${database.kind}):`);
    for (const t of report.tables) {
      out(`  ${t.table}: ${t.rotated} rotated, ${t.skipped} skipped, ${t.failed} failed, ${t.remaining} remaining`);
      if (t.failed > 0) out(`    cannot decrypt (key not in ENCRYPTION_KEYS?): ${t.failedIds.join(', ')}`);
    }
    out(
      report.complete
        ? 'Done: every secret is under the active key; the other keys may be removed from ENCRYPTION_KEYS.'
        : 'Not done: rows remain under other keys; keep those keys in ENCRYPTION_KEYS.',
    );
    return report.complete ? 0 : 1;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Config and key ring errors are written to be shown; their messages carry no secrets.
    process.stderr.write(`keys:rotate failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
