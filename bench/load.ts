// The load generator: a keep-alive HTTP client with a fixed number of sockets, GraphQL over it,
// and fixed-concurrency workers. It runs in the bench process, never in the server's.
import { Agent, request } from 'node:http';

export interface HttpClient {
  post(path: string, body: string, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
  close(): void;
}

/** One keep-alive connection per worker, as a pooled client in front of the server would hold them. */
export function httpClient(baseUrl: string, sockets: number): HttpClient {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const base = new URL(baseUrl);
  return {
    post(path, body, headers = {}) {
      return new Promise((resolve, reject) => {
        const req = request(
          {
            agent,
            host: base.hostname,
            port: base.port,
            path,
            method: 'POST',
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

/** A GraphQL operation over `http`; throws on a non-200 answer or any GraphQL error. */
export async function graphql<Data = any>(http: HttpClient, query: string, variables: Record<string, unknown>, token?: string): Promise<Data> {
  const response = await http.post('/graphql', JSON.stringify({ query, variables }), token ? { authorization: `Bearer ${token}` } : {});
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${response.body.slice(0, 200)}`);
  const parsed = JSON.parse(response.body) as { data?: Data; errors?: unknown[] };
  if (parsed.errors) throw new Error(JSON.stringify(parsed.errors).slice(0, 300));
  return parsed.data!;
}

export interface Throughput {
  completed: number;
  failed: number;
  firstError: string | undefined;
  perSecond: number;
  latencies: number[];
}

/**
 * `concurrency` workers each run `task` back to back for `durationMs` (after `warmupMs` whose
 * results are dropped), each call with the next sequence number.
 */
export async function runFor(
  concurrency: number,
  durationMs: number,
  task: (n: number) => Promise<unknown>,
  warmupMs = 1_000,
): Promise<Throughput> {
  let n = 0;
  const phase = async (ms: number): Promise<Throughput> => {
    const latencies: number[] = [];
    let failed = 0;
    let firstError: string | undefined;
    const began = performance.now();
    const deadline = began + ms;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          const start = performance.now();
          try {
            await task(n++);
            latencies.push(performance.now() - start);
          } catch (error) {
            failed++;
            firstError ??= error instanceof Error ? error.message : String(error);
          }
        }
      }),
    );
    const elapsed = performance.now() - began;
    return { completed: latencies.length, failed, firstError, perSecond: (latencies.length / elapsed) * 1000, latencies };
  };
  if (warmupMs > 0) await phase(warmupMs);
  return phase(durationMs);
}

/** Runs `task` for 0..count-1, at most `concurrency` at a time; fails on the first error. */
export async function inPool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}
