import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  /** The status this receiver answered with. */
  status: number;
}

/** What the receiver answers to its n-th request (0-based); a never-settling promise hangs it. */
export type Responder = (n: number, request: ReceivedWebhook) => number | Promise<number>;

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
}

/** A webhook receiver on loopback that records every request and answers as told. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  respond: Responder = () => 200;
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Listens on `port` (0: any free port). */
  static async start(port = 0, respond?: Responder): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request = { headers: flatHeaders(req.headers), body: Buffer.concat(chunks).toString('utf8'), status: 0 };
        const n = receiver!.received.length;
        receiver!.received.push(request);
        void Promise.resolve(receiver!.respond(n, request)).then((status) => {
          request.status = status;
          res.writeHead(status, status >= 300 && status < 400 ? { location: 'http://127.0.0.1:1/elsewhere' } : {}).end('ok');
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    receiver = new WebhookReceiver(server, (server.address() as AddressInfo).port);
    if (respond) receiver.respond = respond;
    return receiver;
  }

  url(path = '/hooks'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The payloads whose signature verifies with `secret` (throws on any that does not). */
  verified(secret: string): { type: string; timestamp: string; data: Record<string, any> }[] {
    const webhook = new Webhook(secret);
    return this.received.map((r) => webhook.verify(r.body, r.headers) as any);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
