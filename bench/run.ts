// `npm run bench`: start-up time (PGlite, PostgreSQL), callback-to-event latency (one
// instance; two instances through Redis), refresh under concurrency, the memory an open
// subscription costs, and `npm run import` of 10,000 lines on the embedded database. Talks
// only to loopback; bounded iterations.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../test/support/app.js';
import { Browser } from '../test/support/browser.js';
import { authorizeLink, startSession } from '../test/support/connect.js';
import { createPostgresDatabase, type TestDatabase } from '../test/support/databases.js';
import { clickConnect, setUpOAuthToolkit } from '../test/support/oauth-flow.js';
import { CONNECTION_STATUS, subscribe, wsClient } from '../test/support/ws.js';
import { connectOAuthAccount, ISSUE_ACCESS_TOKEN, makeDue } from '../test/support/accounts.js';
import { importBenchmark } from './import.js';
import { subscriptionMemory } from './subscription-memory.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
// One client drives every flow from one address, which the hosted routes' per-IP limits would
// throttle long before the rounds are done.
const UNTHROTTLED = {
  rateLimits: { link: { points: 100_000, durationSeconds: 60 }, connect: { points: 100_000, durationSeconds: 60 } },
};

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms (n=${samples.length})`;
}

async function timeStart(db: TestDatabase, env: Record<string, string> = {}): Promise<[number, TestApp]> {
  const began = performance.now();
  const app = await startTestApp(db, env);
  return [performance.now() - began, app];
}

async function startup() {
  const dir = await mkdtemp(join(tmpdir(), 'connect-bench-'));
  const pglite = { target: { kind: 'pglite' as const, dataDir: dir }, drop: () => rm(dir, { recursive: true, force: true }) };
  const [pgliteFirst, first] = await timeStart(pglite);
  await first.stop();
  const [pgliteAgain, again] = await timeStart(pglite);
  await again.stop();
  await pglite.drop();

  const postgres = await createPostgresDatabase();
  const [pgFirst, one] = await timeStart(postgres);
  await one.stop();
  const [pgAgain, two] = await timeStart(postgres);
  await two.stop();
  await postgres.drop();
  console.log(`start-up, PGlite:     first ${pgliteFirst.toFixed(0)} ms (a copy of the template npm install prepared), then ${pgliteAgain.toFixed(0)} ms`);
  console.log(`start-up, PostgreSQL: first ${pgFirst.toFixed(0)} ms (migrations + catalog), then ${pgAgain.toFixed(0)} ms`);
}

/** Time from the provider's redirect reaching our callback to the ACTIVE event at the subscriber. */
async function oauthLatency(creator: TestApp, callbackOn: TestApp, subscriberOn: TestApp, slug: string) {
  const { provider, redirectUri } = await setUpOAuthToolkit(creator, {}, slug);
  const samples: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const { session, clientToken } = await startSession(creator, `bench_${slug}_${round}`, [slug]);
      const { connectLink } = await authorizeLink(creator, clientToken, { sessionId: session.id, toolkit: slug });
      const status = subscribe(wsClient(subscriberOn.port, clientToken), CONNECTION_STATUS, { connectLinkId: connectLink.id });
      await status.next();
      const browser = new Browser();
      const start = await clickConnect(browser, connectLink.url);
      const { url } = await browser.navigate(start, { stopAt: [redirectUri] });
      const callback = url.replace(creator.publicUrl, `http://localhost:${callbackOn.port}`);
      const began = performance.now();
      const answered = browser.request(callback);
      const event = await status.next();
      samples.push(performance.now() - began);
      if (event.data.connectionStatus.status !== 'ACTIVE') throw new Error(JSON.stringify(event));
      if ((await answered).status >= 400) throw new Error(`the callback answered ${(await answered).status}`);
      await status.close();
    }
  } finally {
    await provider.close();
  }
  return samples;
}

async function latency() {
  const single = await createPostgresDatabase();
  const app = await startTestApp(single, {}, UNTHROTTLED);
  console.log(`callback → ACTIVE event, one instance (in-process bus): ${summary(await oauthLatency(app, app, app, 'bench-one'))}`);
  await app.stop();
  await single.drop();

  const shared = await createPostgresDatabase();
  // Instances behind one load balancer share PUBLIC_URL, hence the redirect URI.
  const a = await startTestApp(shared, { REDIS_URL }, UNTHROTTLED);
  const b = await startTestApp(shared, { REDIS_URL, PUBLIC_URL: a.publicUrl }, UNTHROTTLED);
  console.log(`callback on B → ACTIVE event on A, through Redis:       ${summary(await oauthLatency(a, b, a, 'bench-two'))}`);
  await Promise.all([a.stop(), b.stop()]);
  await shared.drop();
}

/** 50 concurrent issueAccessToken calls on a due account, over two instances: requests and latency. */
async function refreshUnderLoad() {
  const shared = await createPostgresDatabase();
  const a = await startTestApp(shared, { REDIS_URL }, { ...UNTHROTTLED, sweepIntervalMs: 60_000 });
  const b = await startTestApp(shared, { REDIS_URL, PUBLIC_URL: a.publicUrl }, { ...UNTHROTTLED, sweepIntervalMs: 60_000 });
  const { provider } = await setUpOAuthToolkit(a, { rotateRefreshToken: true }, 'bench-refresh');
  const samples: number[] = [];
  let requests = 0;
  try {
    for (let round = 0; round < 5; round++) {
      const account = await connectOAuthAccount(a, `bench_refresh_${round}`, 'bench-refresh');
      await makeDue(a, account.id);
      const before = provider.tokenRequests().refresh_token ?? 0;
      const results = await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const began = performance.now();
          const result = await (i % 2 ? a : b).gql(ISSUE_ACCESS_TOKEN, { id: account.globalId });
          samples.push(performance.now() - began);
          return result.data?.issueAccessToken.accessToken as string | undefined;
        }),
      );
      if (new Set(results).size !== 1 || !results[0]) throw new Error('callers got different tokens');
      requests += (provider.tokenRequests().refresh_token ?? 0) - before;
    }
  } finally {
    await provider.close();
    await Promise.all([a.stop(), b.stop()]);
    await shared.drop();
  }
  console.log(`50 concurrent issueAccessToken on a due account (2 instances, 5 rounds): ${requests} refresh requests in all; ${summary(samples)}`);
}

await startup();
await latency();
await refreshUnderLoad();
console.log(await subscriptionMemory(SUBSCRIBERS, REDIS_URL));
console.log(await importBenchmark());
console.log('(the callback time includes the token exchange with the local oidc-provider)');
