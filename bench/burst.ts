// N end users completing their flows in the same second: every chat's subscriber must see
// ACTIVE. The submits are spread evenly over the second, each from its own browser; the time
// counted is from a user's submit to the ACTIVE event at that user's chat.
import { setTimeout as sleep } from 'node:timers/promises';
import { createChats, openForm, openSubscriptions, timeCompletion } from './flows.js';
import { httpClient, inPool, type HttpClient } from './load.js';
import { count, latencySummary, note, percentile, size, type Row } from './report.js';
import { startBenchServer, type BenchServer } from './servers.js';

export interface BurstResult {
  flows: number;
  latencies: number[];
  failures: string[];
  /** From the first submit to the last ACTIVE event. */
  spanMs: number;
}

const WINDOW_MS = 1_000;
const DELIVERY_TIMEOUT_MS = 30_000;

export async function burst(server: BenchServer, http: HttpClient, flows: number, prefix: string): Promise<BurstResult> {
  const chats = await createChats(http, prefix, flows);
  const subscriptions = await openSubscriptions(server.port, chats);
  const forms = await inPool(flows, 32, (i) => openForm(chats[i]!));
  const latencies: number[] = [];
  const failures: string[] = [];
  const began = performance.now();
  let last = began;
  await Promise.all(
    forms.map(async (submit, i) => {
      await sleep((i * WINDOW_MS) / flows);
      try {
        latencies.push(await timeCompletion(submit, subscriptions[i]!, DELIVERY_TIMEOUT_MS));
        last = Math.max(last, performance.now());
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }),
  );
  await Promise.all(subscriptions.map((subscription) => subscription.close()));
  return { flows, latencies, failures, spanMs: last - began };
}

/** `3 × the form answered 503; 1 × …`: each distinct failure once, most frequent first. */
function grouped(failures: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const failure of failures) counts.set(failure, (counts.get(failure) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([failure, n]) => `${n} × ${failure}`).join('; ');
}

export function burstRow(result: BurstResult, where: string, scaled: boolean): Row {
  const delivered = result.latencies.length;
  const p99 = percentile(result.latencies, 0.99);
  const failed = result.failures.length > 0 ? `; failures: ${grouped(result.failures)}` : '';
  return {
    what: `${count(result.flows)} flows completing in one second, ${where}: delivered; submit → ACTIVE`,
    figure: `${count(delivered)}/${count(result.flows)} delivered, ${latencySummary(result.latencies)}, all done in ${(result.spanMs / 1000).toFixed(1)} s${failed}`,
    target: 'all delivered, p99 ≤ 1 s',
    pass: delivered === result.flows && p99 <= 1_000,
    scaled,
  };
}

/** The burst on the embedded database, on a server of its own. */
export async function embeddedBurst(): Promise<Row[]> {
  const flows = size('BENCH_BURST', 1_000);
  const server = await startBenchServer('pglite');
  const http = httpClient(server.url, 32);
  try {
    note(`burst on the embedded database: preparing ${count(flows)} chats…`);
    const result = await burst(server, http, flows, 'burst_pglite');
    const row = burstRow(result, 'embedded PGlite', flows < 1_000);
    note(`${row.what}: ${row.figure}`);
    return [row];
  } finally {
    http.close();
    await server.stop();
  }
}
