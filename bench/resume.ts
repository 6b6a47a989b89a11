// Resume latency of an OAuth 2 flow against the local oidc-provider, split into the
// provider's part and ours: the toolkit's token and userinfo endpoints point at a loopback
// proxy that times each request from its arrival to the provider's last byte, and the rest of
// callback → ACTIVE is our server's (callback checks, egress, credentials sealed, the
// transaction, the event delivered to the subscriber).
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { graphqlCaller, type TestApp } from '../test/support/app.js';
import { Browser } from '../test/support/browser.js';
import { clickConnect, setUpOAuthToolkit } from '../test/support/oauth-flow.js';
import { createChat, openSubscriptions } from './flows.js';
import { httpClient } from './load.js';
import { latencySummary, note, size, type Row } from './report.js';
import { startBenchServer } from './servers.js';

interface TimingProxy {
  url: string;
  /** Where requests go; set once the provider listens. */
  target: string;
  /** Milliseconds spent per path since the last call, and resets. */
  take(): Map<string, number>;
  close(): Promise<void>;
}

async function startTimingProxy(): Promise<TimingProxy> {
  let spent = new Map<string, number>();
  const proxy: Partial<TimingProxy> = {};
  const server = createServer((req, res) => {
    const began = performance.now();
    const path = (req.url ?? '/').split('?')[0]!;
    const upstream = request(new URL(req.url ?? '/', proxy.target), { method: req.method, headers: req.headers }, (answer: IncomingMessage) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        spent.set(path, (spent.get(path) ?? 0) + performance.now() - began);
        res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(chunks));
      });
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    target: '',
    take() {
      const taken = spent;
      spent = new Map();
      return taken;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  }) as TimingProxy;
}

export async function resume(): Promise<Row[]> {
  const rounds = size('BENCH_ROUNDS', 30);
  const server = await startBenchServer('postgres');
  const http = httpClient(server.url, 4);
  const proxy = await startTimingProxy();
  const app = { gql: graphqlCaller(server.url), publicUrl: `http://localhost:${server.port}` } as TestApp;
  const { provider, redirectUri } = await setUpOAuthToolkit(app, {}, 'acme', { tokenUrl: `${proxy.url}/token`, userInfoUrl: `${proxy.url}/me` });
  proxy.target = provider.issuer;
  const total: number[] = [];
  const token: number[] = [];
  const userinfo: number[] = [];
  const ours: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const chat = await createChat(http, `resume_${round}`, 'acme');
      const [status] = await openSubscriptions(server.port, [chat]);
      const browser = new Browser();
      const { url } = await browser.navigate(await clickConnect(browser, chat.linkUrl), { stopAt: [redirectUri], login: `user${round}` });
      proxy.take();
      const began = performance.now();
      const answered = browser.request(url);
      const event = await status!.next(10_000);
      const elapsed = performance.now() - began;
      if (event.data?.connectionStatus?.status !== 'ACTIVE') throw new Error(JSON.stringify(event));
      const answer = await answered;
      if (answer.status >= 400) throw new Error(`the callback answered ${answer.status}`);
      await answer.body?.cancel();
      const spent = proxy.take();
      const provided = (spent.get('/token') ?? 0) + (spent.get('/me') ?? 0);
      total.push(elapsed);
      token.push(spent.get('/token') ?? 0);
      userinfo.push(spent.get('/me') ?? 0);
      ours.push(elapsed - provided);
      await status!.close();
    }
  } finally {
    await provider.close();
    await proxy.close();
    http.close();
    await server.stop();
  }
  note(`resume: callback → ACTIVE ${latencySummary(total)}; provider token ${latencySummary(token)}; ours ${latencySummary(ours)}`);
  const where = 'OAuth 2, local oidc-provider, one instance, PostgreSQL';
  return [
    { what: `resume: callback → ACTIVE at the subscriber (${where})`, figure: latencySummary(total) },
    { what: "  of which the provider's token exchange (POST /token, timed at a loopback proxy)", figure: latencySummary(token) },
    {
      what: "  of which the provider's userinfo (GET /me, the account's identity)",
      figure: userinfo.some((spent) => spent > 0) ? latencySummary(userinfo) : 'not called (the id_token named the account)',
    },
    { what: '  of which ours (the rest, per flow)', figure: latencySummary(ours) },
  ];
}

