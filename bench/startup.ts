// Start-up on both databases, first and later, each a new server process as `npm start` runs
// it: the time start() took (the server logs it) and the time from spawn to listening.
import { note, type Row } from './report.js';
import { startBenchServer, type BenchServer, type DatabaseKind } from './servers.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const figure = (server: BenchServer) => `start() ${seconds(server.startupMs)}; spawn → listening ${seconds(server.processStartMs)}`;

export async function startup(): Promise<Row[]> {
  const rows: Row[] = [];
  const labels: Record<DatabaseKind, [string, string]> = {
    pglite: ['embedded (PGlite), first start on a new DATA_DIR (a copy of the template npm install prepared)', 'embedded (PGlite), later start'],
    postgres: ['PostgreSQL, first start (migrations + catalog)', 'PostgreSQL, later start'],
  };
  for (const kind of ['pglite', 'postgres'] as const) {
    const first = await startBenchServer(kind);
    const later = await first.restart();
    await later.stop();
    const [firstLabel, laterLabel] = labels[kind];
    rows.push(
      kind === 'pglite'
        ? { what: `start-up, ${firstLabel}`, figure: figure(first), target: 'start() ≤ 3 s', pass: first.startupMs <= 3_000 }
        : { what: `start-up, ${firstLabel}`, figure: figure(first) },
      { what: `start-up, ${laterLabel}`, figure: figure(later) },
    );
    note(`start-up, ${kind}: first ${figure(first)}; later ${figure(later)}`);
  }
  return rows;
}
