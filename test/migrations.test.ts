import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/index.js';
import {
  applyMigrations,
  readMigrations,
  type Migration,
  type MigrationConnection,
} from '../src/db/migrations.js';
import { createPostgresDatabase, type TestDatabase } from './support/databases.js';

function pgliteConnection(db: PGlite): MigrationConnection {
  return {
    query: async <Row>(sql: string, params?: unknown[]) => (await db.query<Row>(sql, params)).rows,
    exec: async (sql) => void (await db.exec(sql)),
  };
}

const migration = (name: string, sql: string): Migration => ({ name, sql, checksum: `${name}-${sql.length}` });

let emptyDataDir: Promise<Blob> | undefined;
/** A new, empty PGlite: initdb (seconds) runs once, each test gets a copy of its result. */
async function emptyPGlite(): Promise<PGlite> {
  emptyDataDir ??= PGlite.create().then(async (db) => {
    const dump = await db.dumpDataDir('none');
    await db.close();
    return dump;
  });
  return PGlite.create({ loadDataDir: await emptyDataDir });
}

describe('the migration runner', () => {
  it('reads prisma/migrations in order', async () => {
    const migrations = await readMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    expect(migrations.map((m) => m.name)).toEqual(migrations.map((m) => m.name).sort());
    for (const m of migrations) expect(m.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('applies each migration once and records it as Prisma does', async () => {
    const db = await emptyPGlite();
    const connection = pgliteConnection(db);
    const list = [migration('001_a', 'CREATE TABLE a (id int);'), migration('002_b', 'CREATE TABLE b (id int);')];
    expect(await applyMigrations(connection, list)).toEqual(['001_a', '002_b']);
    expect(await applyMigrations(connection, list)).toEqual([]);
    const rows = await connection.query<any>(
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count])).toEqual([
      ['001_a', list[0]!.checksum, 1],
      ['002_b', list[1]!.checksum, 1],
    ]);
    expect(rows.every((r) => r.finished_at instanceof Date)).toBe(true);
    await db.close();
  });

  it('rolls a failing migration back entirely and says which one failed', async () => {
    const db = await emptyPGlite();
    const connection = pgliteConnection(db);
    const list = [migration('001_bad', 'CREATE TABLE c (id int); SELECT * FROM missing_table;')];
    await expect(applyMigrations(connection, list)).rejects.toThrow(/Migration 001_bad failed: .*missing_table/);
    expect(await connection.query('SELECT * FROM _prisma_migrations')).toEqual([]);
    expect(await connection.query(`SELECT to_regclass('c') AS t`)).toEqual([{ t: null }]);
    await db.close();
  });

  it('refuses an edited migration and a database migrated by a newer version', async () => {
    const db = await emptyPGlite();
    const connection = pgliteConnection(db);
    await applyMigrations(connection, [migration('001_a', 'CREATE TABLE a (id int);')]);
    await expect(
      applyMigrations(connection, [{ name: '001_a', sql: 'x', checksum: 'edited' }]),
    ).rejects.toThrow('Migration 001_a was modified after it was applied');
    await expect(applyMigrations(connection, [])).rejects.toThrow('migrations this server does not know (001_a)');
    await db.close();
  });
});

describe('starting several instances on one PostgreSQL', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createPostgresDatabase();
  });
  afterAll(() => database?.drop());

  it('applies each migration exactly once while all instances come up', async () => {
    const expected = (await readMigrations()).map((m) => m.name);
    const instances = await Promise.all([1, 2, 3].map(() => openDatabase(database.target)));
    try {
      const applied = instances.flatMap((i) => i.appliedMigrations).sort();
      expect(applied).toEqual(expected);
      for (const instance of instances) await instance.ping();
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const { rows } = await client.query(
        'SELECT migration_name, count(*)::int AS n FROM _prisma_migrations GROUP BY migration_name ORDER BY 1',
      );
      await client.end();
      expect(rows).toEqual(expected.map((name) => ({ migration_name: name, n: 1 })));
    } finally {
      await Promise.all(instances.map((i) => i.close()));
    }
  });
});
