import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** A graphql-ws client of a test app, authenticated with `token` in connectionParams. */
export function wsClient(port: number, token: string): Client {
  return createClient({
    url: `ws://127.0.0.1:${port}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${token}` },
  });
}

/** An open subscription whose results are taken one at a time, each with a deadline. */
export interface Subscription {
  next(timeoutMs?: number): Promise<any>;
  /** Resolves when the server completed the subscription. */
  completed: Promise<void>;
  close(): Promise<void>;
}

export function subscribe(client: Client, query: string, variables: Record<string, unknown>): Subscription {
  const queue: any[] = [];
  const waiters: ((value: any) => void)[] = [];
  let resolveCompleted!: () => void;
  const completed = new Promise<void>((resolve) => (resolveCompleted = resolve));
  const push = (value: any) => {
    const waiter = waiters.shift();
    if (waiter) waiter(value);
    else queue.push(value);
  };
  const dispose = client.subscribe(
    { query, variables },
    {
      next: push,
      error: (error) => push({ errors: [error] }),
      complete: () => resolveCompleted(),
    },
  );
  return {
    completed,
    next(timeoutMs = 5_000) {
      if (queue.length > 0) return Promise.resolve(queue.shift());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no subscription event within ${timeoutMs} ms`)), timeoutMs);
        waiters.push((value) => {
          clearTimeout(timer);
          resolve(value);
        });
      });
    },
    async close() {
      dispose();
      await client.dispose();
    },
  };
}

export const CONNECTION_STATUS = /* GraphQL */ `
  subscription Status($connectLinkId: ID, $connectedAccountId: ID) {
    connectionStatus(connectLinkId: $connectLinkId, connectedAccountId: $connectedAccountId) {
      status
      statusReason
      occurredAt
      connectedAccount { id status }
    }
  }
`;
