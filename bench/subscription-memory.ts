// What an open connectionStatus subscription costs the server: the live heap and resident memory
// of a real server process (started like `npm start`, on PostgreSQL and Redis) before, while and
// after N chat clients each hold one WebSocket with one subscription.
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { graphqlCaller, TEST_ADMIN_KEY, TEST_ENCRYPTION_KEYS } from '../test/support/app.js';
import { authorizeLink, startSession } from '../test/support/connect.js';
import { createPostgresDatabase } from '../test/support/databases.js';
import { startServerProcess } from '../test/support/server-process.js';
import { CONNECTION_STATUS, subscribe, wsClient, type Subscription } from '../test/support/ws.js';

interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
}

/** The server's memory right after a full garbage collection (see memory-probe.ts). */
function memoryOf(child: ChildProcess): Promise<Memory> {
  return new Promise((resolve, reject) => {
    child.once('message', (memory) => resolve(memory as Memory));
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
    child.send!('memory');
  });
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const summarize = (memory: Memory) => `heap ${mib(memory.heapUsed)}, external ${mib(memory.external)}, RSS ${mib(memory.rss)}`;

export async function subscriptionMemory(count: number, redisUrl: string): Promise<string> {
  const database = await createPostgresDatabase();
  const probe = new URL('./memory-probe.ts', import.meta.url).pathname;
  const server = await startServerProcess(
    {
      ...process.env,
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      ADMIN_API_KEY: TEST_ADMIN_KEY,
      ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
    },
    { nodeArgs: ['--expose-gc', '--import', probe], ipc: true },
  ).catch(async (error: unknown) => {
    await database.drop();
    throw error;
  });
  const { child, port } = server;
  const app = { gql: graphqlCaller(`http://127.0.0.1:${port}`) };
  const open = async (userId: string): Promise<Subscription> => {
    const { session, clientToken } = await startSession(app, userId, ['openai']);
    const { connectLink } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
    const subscription = subscribe(wsClient(port, clientToken), CONNECTION_STATUS, { connectLinkId: connectLink.id });
    await subscription.next(30_000);
    return subscription;
  };
  const openMany = async (n: number, prefix: string) => {
    const subscriptions: Subscription[] = [];
    // Ten at a time: as many chat clients arriving together as the bench machine comfortably drives.
    for (let i = 0; i < n; i += 10) {
      subscriptions.push(...(await Promise.all(Array.from({ length: Math.min(10, n - i) }, (_, j) => open(`${prefix}_${i + j}`)))));
    }
    return subscriptions;
  };
  try {
    // Warm up (JIT, pools, caches) so the baseline is the steady state, not a cold process.
    await Promise.all((await openMany(50, 'warm')).map((subscription) => subscription.close()));
    const before = await memoryOf(child);
    const subscriptions = await openMany(count, 'chat');
    const during = await memoryOf(child);
    await Promise.all(subscriptions.map((subscription) => subscription.close()));
    await sleep(1_000); // the server sees the sockets close
    const after = await memoryOf(child);
    const each = (key: keyof Memory) => `${((during[key] - before[key]) / 1024 / count).toFixed(0)} KiB`;
    return [
      `open subscriptions, ${count} WebSockets holding one connectionStatus each (server process, PostgreSQL + Redis, after full GC):`,
      `  before ${summarize(before)}`,
      `  open   ${summarize(during)}: per subscription heap ${each('heapUsed')}, RSS ${each('rss')}`,
      `  closed ${summarize(after)}`,
    ].join('\n');
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
    await database.drop();
  }
}
