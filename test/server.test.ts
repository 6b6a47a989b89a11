import { createHash } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TEST_ADMIN_KEY, startTestApp, type TestApp } from './support/app.js';
import { createPGliteDatabase } from './support/databases.js';

function wsClient(app: TestApp, authorization?: string): Client {
  return createClient({
    url: `ws://127.0.0.1:${app.port}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    // Closes are what some tests expect; they assert them through `on.closed` or the operation.
    onNonLazyError: () => {},
    connectionParams: authorization ? { authorization } : {},
  });
}

function query(client: Client, source: string): Promise<any> {
  return new Promise((resolve, reject) => {
    let result: unknown;
    client.subscribe(
      { query: source },
      { next: (value) => (result = value), error: reject, complete: () => resolve(result) },
    );
  });
}

describe('the HTTP and WebSocket server', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase());
  });
  afterAll(() => app?.stop());

  it('answers health and readiness checks', async () => {
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  it('refuses operations without a valid API key, introspection included', async () => {
    for (const key of [null, 'csk_wrong']) {
      const response = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }),
      });
      expect(response.status).toBe(401);
      const body = (await response.json()) as any;
      expect(body.data).toBeUndefined();
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('serves introspection to a developer with a key', async () => {
    const result = await app.gql('{ __schema { queryType { name } } }');
    expect(result).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('answers queries over graphql-ws with the key in connectionParams', async () => {
    const client = wsClient(app, `Bearer ${TEST_ADMIN_KEY}`);
    try {
      const result = await query(client, '{ toolkit(slug: "github") { name } }');
      expect(result).toEqual({ data: { toolkit: { name: 'GitHub' } } });
    } finally {
      await client.dispose();
    }
  });

  it('closes a graphql-ws connection without a valid key with 4403', async () => {
    for (const authorization of [undefined, 'Bearer csk_wrong']) {
      const client = wsClient(app, authorization);
      const closed = new Promise<number>((resolve) => client.on('closed', (event: any) => resolve(event.code)));
      await expect(query(client, '{ toolkit(slug: "github") { name } }')).rejects.toBeDefined();
      expect(await closed).toBe(4403);
      await client.dispose();
    }
  });

  it('serves operations over SSE', async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${TEST_ADMIN_KEY}`,
      },
      body: JSON.stringify({ query: '{ toolkit(slug: "slack") { name } }' }),
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    expect(text).toContain('"name":"Slack"');
    expect(text).toContain('event: complete');
  });

  it('lets browser apps on any origin call /graphql with a bearer token, never with cookies', async () => {
    const origin = 'https://chat.example.com';
    const preflight = await fetch(`${app.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();

    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
      body: JSON.stringify({ query: '{ project { id } }' }),
    });
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    expect(((await response.json()) as any).data.project.id).toBeTruthy();
  });

  it('serves GraphiQL to browsers from the server itself, under a Content-Security-Policy', async () => {
    const response = await fetch(`${app.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('renderYogaGraphiQL');
    // Every script is inline: no <script src>, no stylesheet or module loaded from elsewhere.
    expect(html).not.toMatch(/<script\b[^>]*\bsrc\s*=/i);
    expect(html).not.toMatch(/<link[^>]+href="(https?:)?\/\//);
    expect(html).not.toMatch(/(unpkg\.com|jsdelivr\.net|cdnjs)/);

    const csp = response.headers.get('content-security-policy');
    expect(csp).toBeTruthy();
    const directives = new Map(csp!.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    // The one inline script, allowed by its hash and nothing else.
    const inline = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const hash = `'sha256-${createHash('sha256').update(inline).digest('base64')}'`;
    expect(directives.get('script-src')).toEqual([hash]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    // GraphQL answers carry no such header: it belongs to the page.
    const post = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(post.headers.get('content-type')).toContain('application/json');
  });
});

describe('GRAPHIQL=false', () => {
  it('answers a browser at /graphql with 404 and no GraphiQL, and still serves GraphQL', async () => {
    const app = await startTestApp(await createPGliteDatabase(), { GRAPHIQL: 'false' });
    try {
      for (const path of ['/graphql', '/graphql/']) {
        const response = await fetch(`${app.url}${path}`, { headers: { accept: 'text/html' } });
        expect(response.status).toBe(404);
        expect(await response.text()).not.toContain('GraphiQL</');
      }
      expect((await app.gql('{ project { id } }')).data!.project.id).toBeTruthy();
    } finally {
      await app.stop();
    }
  });
});

describe('CORS_ORIGINS', () => {
  it('narrows the origins browsers may call from', async () => {
    const app = await startTestApp(await createPGliteDatabase(), {
      CORS_ORIGINS: 'https://chat.example.com, https://admin.example.com',
    });
    try {
      const allowed = async (origin: string) =>
        (
          await fetch(`${app.url}/graphql`, {
            method: 'OPTIONS',
            headers: { origin, 'access-control-request-method': 'POST' },
          })
        ).headers.get('access-control-allow-origin');
      expect(await allowed('https://admin.example.com')).toBe('https://admin.example.com');
      // yoga answers the literal "null", which no page on another origin matches.
      expect(await allowed('https://evil.example.net')).not.toBe('https://evil.example.net');
    } finally {
      await app.stop();
    }
  });
});

describe('stopping', () => {
  it('closes HTTP, open WebSockets and the database', async () => {
    const app = await startTestApp(await createPGliteDatabase());
    const client = wsClient(app, `Bearer ${TEST_ADMIN_KEY}`);
    await query(client, '{ __typename }');
    const closed = new Promise<number>((resolve) => client.on('closed', (event: any) => resolve(event.code)));
    await app.stop();
    expect(await closed).toBe(1001);
    await expect(fetch(`${app.url}/healthz`)).rejects.toThrow();
    await client.dispose();
  });
});
