// Two instances behind one load balancer, through Redis (in-process, as the test suite runs
// them): callback → ACTIVE with the callback on one instance and the subscriber on the other
// (one instance beside it), and concurrent issueAccessToken calls on a due account.
import { startTestApp, type TestApp } from '../test/support/app.js';
import { Browser } from '../test/support/browser.js';
import { authorizeLink, startSession } from '../test/support/connect.js';
import { createPostgresDatabase } from '../test/support/databases.js';
import { clickConnect, setUpOAuthToolkit } from '../test/support/oauth-flow.js';
import { CONNECTION_STATUS, subscribe, wsClient } from '../test/support/ws.js';
import { connectOAuthAccount, ISSUE_ACCESS_TOKEN, makeDue } from '../test/support/accounts.js';
import { latencySummary, note, size, type Row } from './report.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
// One client drives every flow from one address, which the hosted routes' per-IP limits would
// throttle long before the rounds are done.
const UNTHROTTLED = {
  rateLimits: { link: { points: 100_000, durationSeconds: 60 }, connect: { points: 100_000, durationSeconds: 60 } },
};

/** Time from the provider's redirect reaching our callback to the ACTIVE event at the subscriber. */
async function oauthLatency(creator: TestApp, callbackOn: TestApp, subscriberOn: TestApp, slug: string, rounds: number) {
  const { provider, redirectUri } = await setUpOAuthToolkit(creator, {}, slug);
  const samples: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
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

async function latency(rounds: number): Promise<Row[]> {
  const single = await createPostgresDatabase();
  const app = await startTestApp(single, {}, UNTHROTTLED);
  const one = await oauthLatency(app, app, app, 'bench-one', rounds);
  await app.stop();
  await single.drop();

  const shared = await createPostgresDatabase();
  // Instances behind one load balancer share PUBLIC_URL, hence the redirect URI.
  const a = await startTestApp(shared, { REDIS_URL }, UNTHROTTLED);
  const b = await startTestApp(shared, { REDIS_URL, PUBLIC_URL: a.publicUrl }, UNTHROTTLED);
  const two = await oauthLatency(a, b, a, 'bench-two', rounds);
  await Promise.all([a.stop(), b.stop()]);
  await shared.drop();
  return [
    { what: 'callback → ACTIVE, one instance (in-process bus, in the bench process)', figure: latencySummary(one) },
    { what: 'callback on B → ACTIVE on A, two instances through Redis', figure: latencySummary(two) },
  ];
}

/** 50 concurrent issueAccessToken calls on a due account, over two instances: requests and latency. */
async function refreshUnderLoad(): Promise<Row> {
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
  return {
    what: '50 concurrent issueAccessToken on a due account, 2 instances, 5 rounds',
    figure: `${requests} refresh requests in all; ${latencySummary(samples)}`,
    target: 'one refresh per round',
    pass: requests === 5,
  };
}

export async function scaleOut(): Promise<Row[]> {
  const rows = [...(await latency(size('BENCH_ROUNDS', 30))), await refreshUnderLoad()];
  for (const row of rows) note(`${row.what}: ${row.figure}`);
  return rows;
}
