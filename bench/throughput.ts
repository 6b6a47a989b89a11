// Throughput at a fixed concurrency on PostgreSQL: reads of one toolkit beside a bare
// graphql-yoga serving the same shape from memory (the ceiling), then createSession and
// authorize as an agent's backend and its chat clients call them.
import { TEST_ADMIN_KEY } from '../test/support/app.js';
import { AUTHORIZE, CREATE_SESSION } from '../test/support/connect.js';
import { graphql, httpClient, runFor, type Throughput } from './load.js';
import { count, latencySummary, note, size, type Row } from './report.js';
import { startBareYoga, startBenchServer } from './servers.js';

const READ = /* GraphQL */ `
  query Toolkit($slug: String!) {
    toolkit(slug: $slug) { id slug name description categories authSchemes logoUrl isCustom }
  }
`;

function figure(result: Throughput): string {
  const failures = result.failed > 0 ? `; ${count(result.failed)} failed (${result.firstError})` : '';
  return `${count(Math.round(result.perSecond))}/s (${latencySummary(result.latencies).replace(/ \(n=.*\)$/, '')})${failures}`;
}

export async function throughput(): Promise<Row[]> {
  const concurrency = size('BENCH_CONCURRENCY', 32);
  const seconds = size('BENCH_SECONDS', 10);
  const scaled = concurrency !== 32 || seconds < 10;
  const durationMs = seconds * 1000;
  const server = await startBenchServer('postgres');
  const http = httpClient(server.url, concurrency);
  try {
    const { toolkit } = await graphql(http, READ, { slug: 'github' }, TEST_ADMIN_KEY);
    const reads = await runFor(concurrency, durationMs, () => graphql(http, READ, { slug: 'github' }, TEST_ADMIN_KEY));
    note(`reads, ours:      ${figure(reads)}`);

    const bare = await startBareYoga(toolkit);
    const bareHttp = httpClient(bare.url, concurrency);
    let ceiling: Throughput;
    try {
      ceiling = await runFor(concurrency, durationMs, () => graphql(bareHttp, READ, { slug: 'github' }));
    } finally {
      bareHttp.close();
      await bare.stop();
    }
    note(`reads, bare yoga: ${figure(ceiling)}`);

    const sessions: { id: string; clientToken: string }[] = [];
    const created = await runFor(concurrency, durationMs, async (n) => {
      const data = await graphql(http, CREATE_SESSION, { input: { userId: `bench_user_${n}`, toolkits: ['openai'] } }, TEST_ADMIN_KEY);
      sessions.push({ id: data.createSession.session.id, clientToken: data.createSession.clientToken });
    });
    note(`createSession:    ${figure(created)}`);

    // Each call starts a new flow: a session's first authorize, then (once every session had
    // one) a new alias, so no call merely finds the pending link of an earlier one.
    const authorized = await runFor(concurrency, durationMs, async (n) => {
      const session = sessions[n % sessions.length]!;
      const round = Math.floor(n / sessions.length);
      const input = { sessionId: session.id, toolkit: 'openai', ...(round > 0 ? { alias: `again_${round}` } : {}) };
      await graphql(http, AUTHORIZE, { input }, session.clientToken);
    });
    note(`authorize:        ${figure(authorized)}`);

    const ratio = reads.perSecond / ceiling.perSecond;
    const at = `c=${concurrency}, ${seconds} s, PostgreSQL`;
    return [
      { what: `reads: toolkit(slug), ${at}`, figure: figure(reads), pass: reads.failed === 0 ? undefined : false },
      { what: 'reads: bare graphql-yoga, same query shape, from memory', figure: figure(ceiling) },
      { what: 'reads: ours / bare yoga', figure: ratio.toFixed(2), target: '≥ 0.6', pass: ratio >= 0.6 && reads.failed === 0, scaled },
      { what: `createSession (API key), ${at}`, figure: figure(created), pass: created.failed === 0 ? undefined : false },
      {
        what: `authorize (session client token), ${at}`,
        figure: figure(authorized),
        target: '≥ 400/s',
        pass: authorized.perSecond >= 400 && authorized.failed === 0,
        scaled,
      },
    ];
  } finally {
    http.close();
    await server.stop();
  }
}
