// What every scenario hands back to `npm run bench`: rows of one table, each figure beside the
// target it is held to, and the sizes the run used (smaller sizes are for trying the bench out).

export interface Row {
  what: string;
  figure: string;
  /** The target, in words; absent for figures that are only reported. */
  target?: string;
  /** Whether the figure meets the target; absent without a target. */
  pass?: boolean;
  /** The figure was measured at a smaller size than the target names: the verdict is indicative. */
  scaled?: boolean;
}

/** A size from the environment (BENCH_*), with the size the targets are stated for. */
export function size(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;
export const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
export const count = (n: number) => n.toLocaleString('en-US');

export function latencySummary(samples: readonly number[]): string {
  if (samples.length === 0) return 'no samples';
  return `p50 ${ms(percentile(samples, 0.5))}, p99 ${ms(percentile(samples, 0.99))}, max ${ms(Math.max(...samples))} (n=${samples.length})`;
}

/** Progress and detail lines while the bench runs; the table comes at the end. */
export function note(line: string): void {
  console.log(line);
}

function verdict(row: Row): string {
  if (row.pass === undefined) return '';
  return `${row.pass ? 'PASS' : 'FAIL'}${row.scaled ? '*' : ''}`;
}

/** The side-by-side table of every scenario's rows. */
export function printTable(sections: { title: string; rows: Row[] }[]): void {
  const all = sections.flatMap((section) => section.rows);
  const width = (pick: (row: Row) => string, header: string) => Math.max(header.length, ...all.map((row) => pick(row).length));
  const columns = [
    { header: 'What', pick: (row: Row) => row.what },
    { header: 'Figure', pick: (row: Row) => row.figure },
    { header: 'Target', pick: (row: Row) => row.target ?? '' },
    { header: 'Verdict', pick: verdict },
  ].map((column) => ({ ...column, width: width(column.pick, column.header) }));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(columns[i]!.width)).join(' | ').trimEnd();
  console.log('');
  console.log(line(columns.map((column) => column.header)));
  console.log(columns.map((column) => '-'.repeat(column.width)).join('-|-'));
  for (const section of sections) {
    console.log(`${section.title}`);
    for (const row of section.rows) console.log(line(columns.map((column) => column.pick(row))));
  }
  if (all.some((row) => row.scaled)) console.log('* measured at a smaller size than the target names (BENCH_* set): indicative only');
}
