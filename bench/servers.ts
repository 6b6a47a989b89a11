// The processes the bench measures: the server as `npm start` runs it (a child process on
// PostgreSQL or on the embedded database), and the bare graphql-yoga ceiling.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TEST_ADMIN_KEY, TEST_ENCRYPTION_KEYS, TEST_EGRESS_ALLOW_PRIVATE } from '../test/support/app.js';
import { createPostgresDatabase } from '../test/support/databases.js';
import { startServerProcess } from '../test/support/server-process.js';

/**
 * Every request of the bench comes from one loopback address and its chat clients call
 * `authorize` back to back, so the per-IP and per-session limits are raised out of the way;
 * the bench prints this line with its figures.
 */
export const UNTHROTTLED_ENV = {
  RATE_LIMIT_LINK_PER_MINUTE: '1000000',
  RATE_LIMIT_CONNECT_PER_MINUTE: '1000000',
  RATE_LIMIT_AUTHORIZE_PER_MINUTE: '1000000',
};
export const UNTHROTTLED_NOTE =
  'rate limits raised for the bench (one client address drives every user): RATE_LIMIT_LINK_PER_MINUTE, RATE_LIMIT_CONNECT_PER_MINUTE and RATE_LIMIT_AUTHORIZE_PER_MINUTE = 1,000,000; subscription quotas left at their defaults (each chat client holds one)';

export interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
}

export interface BenchServer {
  url: string;
  port: number;
  /** The start-up time the server logged (start() to listening), and from spawn to listening. */
  startupMs: number;
  processStartMs: number;
  /** The server's memory right after a full garbage collection (see memory-probe.ts). */
  memory(): Promise<Memory>;
  /** Stops the server; `keepData` leaves the database for a later start. */
  stop(options?: { keepData?: boolean }): Promise<void>;
  /** Starts the server again on the same database. */
  restart(): Promise<BenchServer>;
}

export type DatabaseKind = 'postgres' | 'pglite';

interface Storage {
  env: Record<string, string>;
  drop(): Promise<void>;
}

async function storage(kind: DatabaseKind): Promise<Storage> {
  if (kind === 'postgres') {
    const database = await createPostgresDatabase();
    return { env: { DATABASE_URL: database.url! }, drop: () => database.drop() };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'connect-bench-'));
  return { env: { DATA_DIR: dataDir }, drop: () => rm(dataDir, { recursive: true, force: true }) };
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function launch(store: Storage, env: Record<string, string>): Promise<BenchServer> {
  const probe = new URL('./memory-probe.ts', import.meta.url).pathname;
  const environment: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: undefined,
    REDIS_URL: undefined,
    HOST: '127.0.0.1',
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
    EGRESS_ALLOW_PRIVATE: TEST_EGRESS_ALLOW_PRIVATE,
    ...UNTHROTTLED_ENV,
    ...store.env,
    ...env,
  };
  const began = performance.now();
  const { child, port, lines } = await startServerProcess(environment, { nodeArgs: ['--expose-gc', '--import', probe], ipc: true });
  const processStartMs = performance.now() - began;
  const listening = JSON.parse(lines.find((line) => line.includes('connect server listening'))!) as { startupMs: number };
  const server: BenchServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    startupMs: listening.startupMs,
    processStartMs,
    memory: () =>
      new Promise((resolve, reject) => {
        const exited = (code: number | null) => reject(new Error(`the server exited with ${code}`));
        child.once('message', (memory) => {
          child.off('exit', exited);
          resolve(memory as Memory);
        });
        child.once('exit', exited);
        child.send!('memory');
      }),
    async stop(options = {}) {
      await stopChild(child);
      if (!options.keepData) await store.drop();
    },
    async restart() {
      await stopChild(child);
      return launch(store, env);
    },
  };
  return server;
}

/** The server as a child process on a new database of the given kind. */
export async function startBenchServer(kind: DatabaseKind, env: Record<string, string> = {}): Promise<BenchServer> {
  const store = await storage(kind);
  return launch(store, env).catch(async (error: unknown) => {
    await store.drop();
    throw error;
  });
}

/** The bare graphql-yoga server (bare-yoga.ts) serving `toolkit` as the given object. */
export async function startBareYoga(toolkit: unknown): Promise<{ url: string; stop(): Promise<void> }> {
  const script = new URL('./bare-yoga.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, BARE_YOGA_TOOLKIT: JSON.stringify(toolkit) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bare-yoga exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => stopChild(child) };
}
