import { assertMayRotateKeys, rotateEncryption, type TableRotation } from '../domain/crypto/key-rotation.js';
import { builder } from './builder.js';
import { projectIdOf } from './context.js';

const TableRotationRef = builder.objectRef<TableRotation>('EncryptedTableRotation').implement({
  description: 'What one key rotation run did to one table of secrets at rest.',
  fields: (t) => ({
    table: t.exposeString('table', { description: 'The table, e.g. `ConnectedAccount`.' }),
    rotated: t.exposeInt('rotated', { description: 'Rows re-encrypted under the active key by this run.' }),
    skipped: t.exposeInt('skipped', {
      description: 'Rows rewritten by someone else while this run worked on them (so already current, or deleted).',
    }),
    failed: t.exposeInt('failed', {
      description: 'Rows the key ring cannot decrypt (their key is not in ENCRYPTION_KEYS); left unchanged.',
    }),
    failedIds: t.exposeStringList('failedIds', {
      description: 'Database ids (not global IDs) of the failed rows, at most 100. Their contents are never reported.',
    }),
    remaining: t.exposeInt('remaining', {
      description: 'Rows still not under the active key after this run; 0 in every table means old keys may be removed.',
    }),
  }),
});

builder.relayMutationField(
  'rotateEncryptionKeys',
  {
    description: 'Input of rotateEncryptionKeys.',
    inputFields: (t) => ({
      batchSize: t.int({ description: 'Rows read per batch, 1 to 1000 (default 100).' }),
      maxRows: t.int({
        description: 'Stop after this many rows (all tables together); call again to go on. Default: no limit.',
      }),
    }),
  },
  {
    description:
      "Re-encrypts every secret at rest, of every project, under the active (first) key of ENCRYPTION_KEYS, online and resumably. Server-wide, so only an API key of the server's default project may call it (FORBIDDEN otherwise). Restart every instance with the new key first in ENCRYPTION_KEYS before calling it.",
    authScopes: { project: true },
    resolve: async (_root, { input }, ctx) => {
      await assertMayRotateKeys(ctx.prisma, projectIdOf(ctx));
      return rotateEncryption(ctx.deps, { batchSize: input.batchSize ?? undefined, maxRows: input.maxRows ?? undefined });
    },
  },
  {
    description: 'Result of rotateEncryptionKeys.',
    outputFields: (t) => ({
      activeKeyId: t.exposeString('activeKeyId', { description: 'Id of the key everything was re-encrypted under.' }),
      complete: t.exposeBoolean('complete', {
        description: 'Whether every encrypted row is now under the active key (no table has rows remaining).',
      }),
      tables: t.field({
        type: [TableRotationRef],
        description: 'Counts per table of encrypted secrets.',
        resolve: (p) => p.tables,
      }),
    }),
  },
);
