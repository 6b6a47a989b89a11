// One instance on PostgreSQL with many chat clients each holding one WebSocket and one
// connectionStatus subscription of a pending flow: what they cost the server, whether a lone
// flow slows down among them, and the burst of completions with all of them present.
import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_ADMIN_KEY } from '../test/support/app.js';
import { burst, burstRow } from './burst.js';
import { createChats, loneFlows, openSubscriptions } from './flows.js';
import { graphql, httpClient } from './load.js';
import { count, kib, latencySummary, mib, note, percentile, size, type Row } from './report.js';
import { startBenchServer, type BenchServer, type Memory } from './servers.js';

/**
 * The server's memory once it has settled: right after a burst of work (10,000 chats created,
 * or 10,000 sockets opened) V8 still holds the pages that work used, and gives them back only
 * after a few quiet seconds. An idle server's footprint is what it holds then; the figure right
 * after the burst is printed too.
 */
async function settledMemory(server: BenchServer): Promise<{ settled: Memory; right: Memory }> {
  const right = await server.memory();
  let settled = right;
  for (let waited = 0; waited < 30_000; waited += 3_000) {
    await sleep(3_000);
    const next = await server.memory();
    const falling = next.rss < settled.rss * 0.99;
    settled = next;
    if (!falling && waited >= 9_000) break;
  }
  return { settled, right };
}

const summarize = (memory: Memory) => `heap ${mib(memory.heapUsed)}, external ${mib(memory.external)}, RSS ${mib(memory.rss)}`;

export async function subscriptions(): Promise<Row[]> {
  const idle = size('BENCH_IDLE', 10_000);
  const few = Math.min(size('BENCH_FEW_IDLE', 100), idle);
  const flows = size('BENCH_BURST', 1_000);
  const rounds = size('BENCH_LONE_ROUNDS', 20);
  const server = await startBenchServer('postgres');
  const http = httpClient(server.url, 32);
  try {
    // The idle links must outlive the scenario (the default is 10 minutes).
    await graphql(http, `mutation { updateProject(input: { connectLinkTtlSeconds: 86400 }) { project { id } } }`, {}, TEST_ADMIN_KEY);
    note(`subscriptions: preparing ${count(idle)} chat clients (createSession + authorize each)…`);
    const chats = await createChats(http, 'idle', idle);
    await loneFlows(http, server.port, 'warm', 5); // JIT, pools and caches warm before the baseline
    const { settled: before } = await settledMemory(server);

    const open = await openSubscriptions(server.port, chats.slice(0, few));
    const withFew = await loneFlows(http, server.port, 'lone_few', rounds);
    note(`lone flow with ${count(few)} idle subscribers: ${latencySummary(withFew)}`);

    const opening = performance.now();
    open.push(...(await openSubscriptions(server.port, chats.slice(few))));
    note(`opened ${count(idle)} WebSockets in ${((performance.now() - opening) / 1000).toFixed(1)} s`);
    const { settled: during, right: justOpened } = await settledMemory(server);
    const withMany = await loneFlows(http, server.port, 'lone_many', rounds);
    note(`lone flow with ${count(idle)} idle subscribers: ${latencySummary(withMany)}`);

    note(`burst with ${count(idle)} idle subscribers: preparing ${count(flows)} chats…`);
    const burstResult = await burst(server, http, flows, 'burst_pg');

    // Idle subscribers saw nothing: no event, no error, no closed socket.
    const disturbed = (await Promise.allSettled(open.map((subscription) => subscription.next(1)))).filter((r) => r.status === 'fulfilled').length;
    await Promise.all(open.map((subscription) => subscription.close()));
    await sleep(1_000); // the server sees the sockets close
    const after = await server.memory();

    const perHeap = (during.heapUsed - before.heapUsed) / idle;
    const perRss = (during.rss - before.rss) / idle;
    const ratio = percentile(withMany, 0.5) / percentile(withFew, 0.5);
    const scaled = idle < 10_000;
    note(`server memory (after full GC): before ${summarize(before)}; ${count(idle)} open ${summarize(during)}; closed ${summarize(after)}`);
    return [
      {
        what: `${count(idle)} idle subscriptions (one WebSocket each), one instance, PostgreSQL: heap per subscription`,
        figure: kib(perHeap),
        target: '≤ 16 KiB',
        pass: perHeap <= 16 * 1024,
        scaled,
      },
      { what: '  RSS per subscription', figure: kib(perRss), target: '≤ 16 KiB', pass: perRss <= 16 * 1024, scaled },
      {
        what: '  server RSS with all open (after full GC)',
        figure: `${mib(during.rss)} once settled (${mib(justOpened.rss)} right after opening; before ${mib(before.rss)}, after closing ${mib(after.rss)})`,
        target: '≤ 600 MiB',
        pass: during.rss <= 600 * 2 ** 20,
        scaled,
      },
      { what: '  idle subscribers that saw an event or error', figure: `${count(disturbed)} of ${count(idle)}`, target: 'none', pass: disturbed === 0 },
      { what: `lone flow, submit → ACTIVE, ${count(few)} idle subscribers`, figure: latencySummary(withFew) },
      {
        what: `lone flow, submit → ACTIVE, ${count(idle)} idle subscribers`,
        figure: `${latencySummary(withMany)}; p50 ${ratio.toFixed(2)}× the ${count(few)}-subscriber one`,
        target: '≤ 1.5×',
        pass: ratio <= 1.5,
        scaled,
      },
      burstRow(burstResult, `PostgreSQL, ${count(idle)} idle subscribers open`, scaled || flows < 1_000),
    ];
  } finally {
    http.close();
    await server.stop();
  }
}
