// JSON-RPC 2.0 over stdin/stdout, one JSON object per line, as the CLI's SchemaEngineCLI speaks it.
// Traffic goes both ways: the CLI sends requests and the engine answers; the engine may also send
// the CLI a `print` request (used for `migrate diff` output), which the CLI answers on stdin.
import { createInterface } from 'node:readline';

import { type RpcErrorObject, toRpcError } from './errors.js';
import { log } from './log.js';

type Id = number | string | null;

export type RequestHandler = (method: string, params: unknown, print: (content: string) => Promise<void>) => Promise<unknown>;

export interface ServeOptions {
  handle: RequestHandler;
  /** Maps handler errors that are protocol errors (e.g. unknown method) to their RPC error. */
  protocolError?: (error: unknown) => RpcErrorObject | undefined;
  /** Runs once stdin has ended and every request got its answer. */
  onClose: () => Promise<void>;
}

export function serveJsonRpc({ handle, protocolError, onClose }: ServeOptions): void {
  let nextPrintId = 1;
  const pendingPrints = new Map<Id, { resolve: () => void; reject: (error: Error) => void }>();
  // Requests run one at a time, in order, like the CLI sends them. Responses to our `print`
  // requests must not wait in this queue: the request being served is waiting for them.
  let queue: Promise<void> = Promise.resolve();

  const send = (message: object) => process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);

  const print = (content: string) =>
    new Promise<void>((resolve, reject) => {
      const id = nextPrintId++;
      pendingPrints.set(id, { resolve, reject });
      send({ id, method: 'print', params: { content } });
    });

  const onLine = (line: string) => {
    if (line.trim() === '') return;
    let message: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      message = parsed as Record<string, unknown>;
    } catch {
      send({ id: null, error: { code: -32700, message: 'Parse error' } });
      return;
    }
    const id = (message.id ?? null) as Id;

    if (typeof message.method !== 'string') {
      // The CLI's answer to one of our `print` requests.
      const pending = pendingPrints.get(id);
      pendingPrints.delete(id);
      if (message.error !== undefined) pending?.reject(new Error(`print failed: ${JSON.stringify(message.error)}`));
      else pending?.resolve();
      return;
    }

    const method = message.method;
    queue = queue.then(async () => {
      try {
        const result = await handle(method, message.params, print);
        if (id !== null) send({ id, result });
      } catch (error) {
        if (id !== null) send({ id, error: protocolError?.(error) ?? toRpcError(error) });
        const data = toRpcError(error).data;
        log(data?.is_panic ? 'ERROR' : 'INFO', `${method} failed: ${String(data?.message)}`);
      }
    });
  };

  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', onLine);
  lines.on('close', () => {
    queue = queue.then(onClose);
  });
}
