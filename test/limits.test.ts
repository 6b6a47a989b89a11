import { request } from 'node:http';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { getIntrospectionQuery } from 'graphql';
import { DEFAULT_GRAPHQL_LIMITS } from '../src/graphql/limits.js';
import { TEST_ADMIN_KEY, startTestApp, type TestApp } from './support/app.js';
import { createPGliteDatabase } from './support/databases.js';
import { wsClient } from './support/ws.js';

// The schema is at most 7 levels deep today, below the default depth limit of 16; this app
// lowers it to 5 so that depth can be exceeded. Breadth, complexity and tokens keep their defaults.
const DEPTH = 5;

/** Depth 6: authConfigs › edges › node › toolkit › oauth › authorizeUrl. */
const TOO_DEEP = '{ authConfigs { edges { node { toolkit { oauth { authorizeUrl } } } } } }';
/** 1 + 100 × (1 + (1 + (1 + 10 × 7))) = 7301 > 5000: 100 toolkits × their field lists. */
const TOO_COMPLEX =
  '{ toolkits(first: 100) { edges { node { fields { name label description placeholder pattern required secret } } } } }';
/** 201 aliases of a 2-field selection: breadth 402 > 300. */
const TOO_BROAD = `{ ${Array.from({ length: 201 }, (_, i) => `p${i}: project { id }`).join(' ')} }`;
/** More than 5000 tokens in about 55 kB, under the body limit. */
const TOO_MANY_TOKENS = `{ project { ${'__typename '.repeat(DEFAULT_GRAPHQL_LIMITS.tokens)} } }`;
const NORMAL = '{ project { id name } toolkits(first: 100, search: "git") { totalCount edges { node { slug name authSchemes } } } }';
const DEEP_SUBSCRIPTION =
  'subscription { connectionStatus(connectLinkId: "Q29ubmVjdExpbms6eA==") { connectLink { connectedAccount { toolkit { oauth { authorizeUrl } } } } } }';

/** Runs one operation over graphql-ws; resolves with its results, or with the errors it failed with. */
function wsRun(client: Client, query: string): Promise<{ results: any[]; errors?: any[] }> {
  return new Promise((resolve) => {
    const results: any[] = [];
    client.subscribe(
      { query },
      {
        next: (value) => results.push(value),
        error: (errors) => resolve({ results, errors: Array.isArray(errors) ? errors : [errors] }),
        complete: () => resolve({ results }),
      },
    );
  });
}

function codesOf(errors: any[] | undefined): { code: string; limit?: string }[] {
  return (errors ?? []).map((e) => ({ code: e.extensions?.code, limit: e.extensions?.limit }));
}

describe('limits on GraphQL requests, on every transport', () => {
  let app: TestApp;
  let ws: Client;

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase(), {}, { graphqlLimits: { depth: DEPTH } });
    ws = wsClient(app.port, TEST_ADMIN_KEY);
  });
  afterAll(async () => {
    await ws?.dispose();
    await app?.stop();
  });

  it('serves ordinary operations over HTTP and WebSocket', async () => {
    const http = await app.gql(NORMAL);
    expect(http.errors).toBeUndefined();
    expect(http.data!.toolkits.totalCount).toBeGreaterThan(0);
    const overWs = await wsRun(ws, NORMAL);
    expect(overWs.errors).toBeUndefined();
    expect(overWs.results[0]).toEqual(http);
  });

  it.each([
    ['depth', TOO_DEEP],
    ['complexity', TOO_COMPLEX],
    ['breadth', TOO_BROAD],
  ])('refuses a query over the %s limit, over HTTP and WebSocket, before resolving anything', async (limit, query) => {
    const http = await app.gql(query);
    expect(http.data ?? null).toBeNull();
    expect(codesOf(http.errors)).toContainEqual({ code: 'QUERY_TOO_COMPLEX', limit });
    expect(http.errors![0]!.message).toMatch(new RegExp(`exceeds the ${limit} limit \\(\\d+, at most \\d+\\)`));
    const overWs = await wsRun(ws, query);
    expect(codesOf(overWs.errors ?? overWs.results[0]?.errors)).toContainEqual({ code: 'QUERY_TOO_COMPLEX', limit });
  });

  it('refuses a mutation over the limits before it changes anything', async () => {
    const aliases = Array.from({ length: 151 }, (_, i) => `u${i}: updateProject(input: { name: "renamed" }) { project { id } }`);
    const result = await app.gql(`mutation { ${aliases.join(' ')} }`);
    expect(codesOf(result.errors)).toContainEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'breadth' });
    expect((await app.gql('{ project { name } }')).data!.project.name).not.toBe('renamed');
  });

  it('refuses a document with too many tokens while parsing, over HTTP and WebSocket', async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
      body: JSON.stringify({ query: TOO_MANY_TOKENS }),
    });
    expect(response.status).toBe(200); // as for any parse failure answered as application/json
    const body = (await response.json()) as any;
    expect(codesOf(body.errors)).toEqual([{ code: 'QUERY_TOO_COMPLEX', limit: 'tokens' }]);
    const overWs = await wsRun(ws, TOO_MANY_TOKENS);
    expect(codesOf(overWs.errors)).toEqual([{ code: 'QUERY_TOO_COMPLEX', limit: 'tokens' }]);
    // The socket survived the refusal.
    expect((await wsRun(ws, '{ project { id } }')).results[0].data.project.id).toBeTruthy();
  });

  it('refuses a too deep subscription when it starts, over WebSocket and SSE', async () => {
    const overWs = await wsRun(ws, DEEP_SUBSCRIPTION);
    expect(codesOf(overWs.errors ?? overWs.results[0]?.errors)).toEqual([{ code: 'QUERY_TOO_COMPLEX', limit: 'depth' }]);

    const sse = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${TEST_ADMIN_KEY}`,
      },
      body: JSON.stringify({ query: DEEP_SUBSCRIPTION }),
      signal: AbortSignal.timeout(5_000),
    });
    const text = await sse.text(); // the stream ends after the error: nothing was subscribed
    expect(text).toContain('"code":"QUERY_TOO_COMPLEX"');
    expect(text).toContain('"limit":"depth"');
  });

  it('answers 413 to a body over the limit, announced or streamed', async () => {
    const padding = 'x'.repeat(DEFAULT_GRAPHQL_LIMITS.requestBodyBytes);
    const body = JSON.stringify({ query: '{ project { id } }', variables: { padding } });
    const announced = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
      body,
    });
    expect(announced.status).toBe(413);
    expect(codesOf(((await announced.json()) as any).errors)).toEqual([{ code: 'REQUEST_ENTITY_TOO_LARGE', limit: undefined }]);

    // Chunked, without content-length: counted while it streams.
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}`, 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on('error', reject);
      for (let i = 0; i < body.length; i += 8192) req.write(body.slice(i, i + 8192));
      req.end();
    });
    expect(streamed.status).toBe(413);
    expect(streamed.body).toContain('REQUEST_ENTITY_TOO_LARGE');

    // Just under the limit still works.
    const fits = await app.gql('{ project { id } }', { padding: 'x'.repeat(1000) });
    expect(fits.errors).toBeUndefined();
  });

  it('closes a WebSocket whose message is over the limit (1009)', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${app.port}/graphql`, 'graphql-transport-ws');
    const messages: string[] = [];
    socket.on('message', (data) => messages.push(String(data)));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${TEST_ADMIN_KEY}` } }));
    await expect.poll(() => messages).toContainEqual(expect.stringContaining('connection_ack'));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    const huge = 'x'.repeat(DEFAULT_GRAPHQL_LIMITS.requestBodyBytes);
    const printed = vi.spyOn(console, 'error');
    try {
      socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: '{ project { id } }', variables: { huge } } }));
      expect(await closed).toBe(1009);
      // A client's oversized message is no server error to print.
      expect(printed).not.toHaveBeenCalled();
    } finally {
      printed.mockRestore();
    }
  });
});

/** Runs one query over SSE (a POST accepting text/event-stream); resolves with its events' payloads. */
async function sseRun(url: string, query: string): Promise<any[]> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${TEST_ADMIN_KEY}` },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return [...text.matchAll(/^event: next\ndata: (.*)$/gm)].map((m) => JSON.parse(m[1]!));
}

describe('introspection and __typename count against the limits, with the default limits', () => {
  let app: TestApp;
  let ws: Client;

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase());
    ws = wsClient(app.port, TEST_ADMIN_KEY);
  });
  afterAll(async () => {
    await ws?.dispose();
    await app?.stop();
  });

  /** One `__schema` selection, 54 fields when expanded, asked for 600 times in 12 kB. */
  const SCHEMA_FRAGMENT = 'fragment S on __Schema { types { name description fields { name description args { name } type { name ofType { name } } } } }';
  const MANY_SCHEMAS = `{ ${Array.from({ length: 600 }, (_, i) => `s${i}: __schema { ...S }`).join(' ')} } ${SCHEMA_FRAGMENT}`;
  const MANY_TYPENAMES = `{ ${Array.from({ length: 400 }, (_, i) => `t${i}: __typename`).join(' ')} }`;
  const MANY_TYPES = `{ ${Array.from({ length: 60 }, (_, i) => `t${i}: __type(name: "Query") { fields { name description args { name description } } }`).join(' ')} }`;
  const TOO_DEEP_INTROSPECTION = `{ __type(name: "Query") { ${'ofType { '.repeat(16)}name${' }'.repeat(16)} } }`;

  it('serves the introspection query of GraphiQL and code generators, over HTTP, SSE and WebSocket', async () => {
    for (const options of [{}, { descriptions: true, inputValueDeprecation: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true }]) {
      const query = getIntrospectionQuery(options);
      const http = await app.gql(query);
      expect(http.errors).toBeUndefined();
      expect(http.data!.__schema.types.length).toBeGreaterThan(20);
      expect((await sseRun(app.url, query))[0]).toEqual(http);
      expect((await wsRun(ws, query)).results[0]).toEqual(http);
    }
  });

  it.each([
    ['breadth', 'many aliased __schema', MANY_SCHEMAS],
    ['breadth', 'many aliased __typename', MANY_TYPENAMES],
    ['breadth', 'many aliased __type', MANY_TYPES],
    ['depth', 'a deep ofType chain', TOO_DEEP_INTROSPECTION],
  ])('refuses a query over the %s limit made of %s, over HTTP, SSE and WebSocket', async (limit, _what, query) => {
    expect(Buffer.byteLength(query)).toBeLessThan(DEFAULT_GRAPHQL_LIMITS.requestBodyBytes);
    const http = await app.gql(query);
    expect(http.data ?? null).toBeNull();
    expect(codesOf(http.errors)).toEqual([{ code: 'QUERY_TOO_COMPLEX', limit }]);
    const sse = await sseRun(app.url, query);
    expect(codesOf(sse[0]?.errors)).toEqual([{ code: 'QUERY_TOO_COMPLEX', limit }]);
    const overWs = await wsRun(ws, query);
    expect(codesOf(overWs.errors ?? overWs.results[0]?.errors)).toEqual([{ code: 'QUERY_TOO_COMPLEX', limit }]);
  });

  it('measures the rest of an operation when one field cannot read its arguments', async () => {
    // A null for a non-null argument, through a variable with a default: execution fails that
    // field alone and would run its 600 siblings.
    const query = `query Q($slug: String = "github") { toolkit(slug: $slug) { id } ${MANY_SCHEMAS.slice(1)}`;
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
      body: JSON.stringify({ query, variables: { slug: null } }),
    });
    const body = (await response.json()) as any;
    expect(codesOf(body.errors)).toEqual([{ code: 'QUERY_TOO_COMPLEX', limit: 'breadth' }]);
  });

  it('still answers small introspection and __typename inside ordinary queries', async () => {
    const result = await app.gql('{ __typename project { __typename id } __type(name: "Toolkit") { fields { name } } }');
    expect(result.errors).toBeUndefined();
    expect(result.data!.project.__typename).toBe('Project');
    expect(result.data!.__type.fields.length).toBeGreaterThan(3);
  });
});
