import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the API received it. */
export interface ReceivedRequest {
  method: string;
  /** Path and query, as sent on the wire. */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface RecordingApi {
  /** e.g. http://127.0.0.1:PORT */
  origin: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

export type ApiRoute = (req: ReceivedRequest, res: ServerResponse) => void | Promise<void>;

/**
 * A loopback HTTP API that records every request it receives (so tests can see which credentials arrived, and that
 * refused requests never arrived) and answers through `route`.
 */
export async function startRecordingApi(route: ApiRoute): Promise<RecordingApi> {
  const received: ReceivedRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    received.push(request);
    try {
      await route(request, res);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
