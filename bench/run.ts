// `npm run bench`: every figure of the README's Performance section in one run, printed at the
// end as one table with each figure beside its target. The server runs as its own process
// (as `npm start` runs it) wherever throughput, latency under load or memory is measured; the
// load comes from this process. Talks only to loopback; every scenario is bounded.
//
// Sizes (defaults are the sizes the targets name; smaller ones are for trying the bench out):
//   BENCH_SECONDS=10 BENCH_CONCURRENCY=32   throughput: seconds per measure, concurrent workers
//   BENCH_IDLE=10000 BENCH_FEW_IDLE=100     idle subscriptions (one WebSocket each)
//   BENCH_LONE_ROUNDS=20 BENCH_BURST=1000   lone flows per measure; flows completing in one second
//   BENCH_ROUNDS=30                         OAuth flows per latency measure
//   BENCH_DAY_FLOWS=50000                   flows in the simulated day (retention)
//   BENCH_IMPORT_LINES=10000                lines of `npm run import`
//   BENCH_ONLY=throughput,subscriptions     run only these scenarios
import { embeddedBurst } from './burst.js';
import { importBenchmark } from './import.js';
import { note, printTable, type Row } from './report.js';
import { resume } from './resume.js';
import { retention } from './retention.js';
import { scaleOut } from './scale-out.js';
import { UNTHROTTLED_NOTE } from './servers.js';
import { startup } from './startup.js';
import { subscriptions } from './subscriptions.js';
import { throughput } from './throughput.js';

const SCENARIOS: Record<string, { title: string; run: () => Promise<Row[]> }> = {
  startup: { title: 'Start-up (server process)', run: startup },
  throughput: { title: 'Throughput (server process, PostgreSQL)', run: throughput },
  subscriptions: { title: 'Open subscriptions and completions (server process, PostgreSQL)', run: subscriptions },
  burst: { title: 'Completions on the embedded database (server process)', run: embeddedBurst },
  resume: { title: 'Resume after the provider (server process, PostgreSQL)', run: resume },
  'scale-out': { title: 'Scale-out (in-process instances, PostgreSQL + Redis)', run: scaleOut },
  retention: { title: 'Retention (PostgreSQL)', run: retention },
  import: { title: 'Import', run: async () => [await importBenchmark()] },
};

const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
const unknown = only?.filter((name) => !(name in SCENARIOS)) ?? [];
if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown scenario ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`);

note(UNTHROTTLED_NOTE);
const sections: { title: string; rows: Row[] }[] = [];
for (const [name, scenario] of Object.entries(SCENARIOS)) {
  if (only && !only.includes(name)) continue;
  note(`\n== ${scenario.title}`);
  const began = performance.now();
  try {
    sections.push({ title: `== ${scenario.title}`, rows: await scenario.run() });
  } catch (error) {
    // One broken scenario must not hide the others' figures; it shows as a failed row.
    console.error(error);
    sections.push({ title: `== ${scenario.title}`, rows: [{ what: name, figure: `did not finish: ${error instanceof Error ? error.message : String(error)}`.replace(/\s+/g, ' ').slice(0, 200), pass: false }] });
  }
  note(`(${name}: ${((performance.now() - began) / 1000).toFixed(0)} s)`);
}
printTable(sections);
console.log(`\n${UNTHROTTLED_NOTE}`);
process.exit(sections.some((section) => section.rows.some((row) => row.pass === false)) ? 1 : 0);
