import { Writable } from 'node:stream';
import fc from 'fast-check';
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLInputType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../src/graphql/schema.js';
import { createLogger } from '../src/logger.js';
import { TEST_ADMIN_KEY, startTestApp, type TestApp } from './support/app.js';
import { authorizeLink, startSession } from './support/connect.js';
import { createPGliteDatabase } from './support/databases.js';

// Every mutation of the schema, with inputs generated from its input type: valid shapes (so
// they pass GraphQL validation and reach the resolvers and the database) holding hostile
// values. Whatever they hold, a client's input is answered as the client's mistake, never as
// an INTERNAL_SERVER_ERROR, and nothing is logged as a server error.
const RUNS_PER_MUTATION = 110;
const CONCURRENCY = 16;
const SEED = 20261202;

const NUL = '\u0000';

/** Strings a client may send by mistake or on purpose. */
const hostileString = (known: string[]) =>
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ maxLength: 40 }).map((s) => `${s}${NUL}${s}`),
    fc.constantFrom(NUL, `a${NUL}b`, `https://example.com/${NUL}`, `${NUL}${NUL}`),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.string({ unit: 'binary', maxLength: 20 }), // lone surrogates included
    fc.constantFrom('\uD800', '\uDFFF', '\uFEFF', '\u202E', 'e\u0301', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', '\u00A0', '\r\n', '\t'),
    fc.constantFrom('x'.repeat(3000), '😀'.repeat(1500), ' '.repeat(300)),
    // URLs, good and bad, and what reaches `new URL` after a looser check.
    fc.constantFrom(
      'https://example.com/callback',
      'http://localhost:3000/cb',
      'http://127.0.0.1/cb',
      'https://user:pass@example.com/',
      'http://example.com/',
      'https://',
      'https://exa mple.com',
      'https://[::1',
      'https://%',
      'http://[::1]:99999/',
      'https://example.com:65536/',
      'javascript:alert(1)',
      'data:text/html,hi',
      'mailto:a@b',
      '//example.com',
      'https:example.com',
      'https://ex\u0000ample.com',
      'https://xn--.com',
      'https://ÿ.com',
      'file:///etc/passwd',
      'HTTPS://EXAMPLE.COM',
      'https://example.com/[subdomain]',
      'https://[subdomain].example.com/authorize',
      'https://example.com/?code=1&state=2#x',
    ),
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc.webUrl().map((url) => url.replace('://', ':/')),
    // Enum-ish strings the domain knows, and near misses.
    fc.constantFrom(...known, '*', '', ' ', 'null', 'undefined', '__proto__', 'constructor', '../..', '%00', '#fff', '#GGGGGG'),
  );

/**
 * Mostly plausible values, so that many inputs get past validation to the domain and the
 * database, and hostile ones often enough that every field gets its share.
 */
const plausibleString = (known: string[]) =>
  fc.oneof(
    fc.constantFrom(...known),
    fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/),
    fc.constantFrom('https://example.com/callback', 'https://api.example.com', 'http://localhost:3000/cb', 'https://hooks.example.com/x'),
  );
const mixedString = (known: string[]) =>
  fc.oneof({ arbitrary: plausibleString(known), weight: 3 }, { arbitrary: hostileString(known), weight: 2 });

/** Integers in and beyond what GraphQL's Int and the domain accept. */
const hostileInt = fc.oneof(
  fc.integer({ min: 0, max: 1000 }),
  fc.integer(),
  fc.constantFrom(0, -1, 1, 59, 60, 2147483647, -2147483648, 604800, 604801),
  fc.constantFrom(2 ** 31, -(2 ** 53), 1e21, 0.5), // GraphQL refuses these itself
);

/** IDs: the seeded objects', other types' raw ids, garbage, and global IDs wrapping garbage. */
const hostileId = (real: string[]) => {
  const wrap = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
  const types = ['Session', 'AuthConfig', 'ConnectedAccount', 'ConnectLink', 'WebhookEndpoint', 'WebhookDelivery', 'ApiKey', 'Toolkit', 'Nope'];
  return fc.oneof(
    { arbitrary: fc.constantFrom(...real), weight: 4 },
    fc.string({ maxLength: 30 }),
    fc.tuple(fc.constantFrom(...types), fc.string({ maxLength: 30 })).map(([type, id]) => wrap(type, id)),
    fc.tuple(fc.constantFrom(...types), fc.constantFrom(NUL, `x${NUL}`, '\uD800', 'x'.repeat(500), '', ' ')).map(([type, id]) => wrap(type, id)),
    fc.constantFrom(...real).map((id) => `${id}=`),
    fc.constantFrom(...real).map((id) => wrap('Session', Buffer.from(id, 'base64').toString().split(':')[1] ?? '')),
    fc.constantFrom('', NUL, '====', 'YQ', '!!', '\uD800'),
  );
};

/** A value for an input type: its shape is valid, its contents are not meant to be. */
function valueFor(type: GraphQLInputType, pools: { ids: string[]; known: string[] }, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return valueFor(type.ofType, pools, depth);
  const inner = (): fc.Arbitrary<unknown> => {
    if (isListType(type)) return fc.array(valueFor(type.ofType, pools, depth + 1), { maxLength: depth > 1 ? 2 : 4 });
    if (isEnumType(type)) return fc.constantFrom(...type.getValues().map((v) => v.name));
    if (isInputObjectType(type)) {
      const fields = Object.values(type.getFields());
      const entries = fields.map((field) => {
        const arb = valueFor(field.type, pools, depth + 1);
        // Optional fields: sometimes absent, sometimes null.
        return isNonNullType(field.type) ? arb : fc.option(fc.option(arb, { nil: null }), { nil: undefined });
      });
      return fc.tuple(...entries).map((values) => Object.fromEntries(fields.flatMap((f, i) => (values[i] === undefined ? [] : [[f.name, values[i]]]))));
    }
    if (isScalarType(type)) {
      switch (type.name) {
        case 'ID':
          return hostileId(pools.ids);
        case 'Int':
          return hostileInt;
        case 'Float':
          return fc.double();
        case 'Boolean':
          return fc.boolean();
        case 'DateTime':
          return fc.oneof(fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())), hostileString([]));
        default:
          return mixedString(pools.known);
      }
    }
    throw new Error(`no generator for ${String(type)}`);
  };
  return inner();
}

interface Failure {
  mutation: string;
  input: unknown;
  status: number;
  errors: unknown;
}

describe('every mutation, fed hostile input', () => {
  const errorLines: string[] = [];
  const logger = createLogger(
    'error',
    new Writable({ write: (chunk, _encoding, done) => void (errorLines.push(String(chunk)), done()) }),
  );
  let app: TestApp;
  const pools = { ids: [] as string[], known: [] as string[] };

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase(), { LOG_LEVEL: 'error' }, { logger });
    // Real objects of every kind, so that generated IDs also reach existing rows.
    const { session, clientToken } = await startSession(app, 'u_fuzz', ['openai', 'github']);
    const { connectLink, connectedAccount } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
    const authConfig = await app.gql(
      `mutation { createAuthConfig(input: { toolkit: "github", name: "fuzz", credentials: { clientId: "id", clientSecret: "secret" } }) { authConfig { id } } }`,
    );
    const webhook = await app.gql(
      `mutation { createWebhookEndpoint(input: { url: "https://hooks.example.com/fuzz" }) { webhookEndpoint { id } } }`,
    );
    const apiKey = await app.gql(`mutation { createApiKey(input: { name: "fuzz" }) { apiKey { id } } }`);
    const toolkit = await app.gql(`{ toolkit(slug: "github") { id } }`);
    for (const result of [authConfig, webhook, apiKey, toolkit]) expect(result.errors).toBeUndefined();
    pools.ids = [
      session.id,
      connectLink.id,
      connectedAccount.id,
      authConfig.data!.createAuthConfig.authConfig.id,
      webhook.data!.createWebhookEndpoint.webhookEndpoint.id,
      apiKey.data!.createApiKey.apiKey.id,
      toolkit.data!.toolkit.id,
    ];
    pools.known = ['github', 'openai', 'acme', 'OAUTH2', 'API_KEY', 'oauth2', 'connected_account.active', 'client_secret_basic', 'apiKey', 'u_fuzz'];
  }, 180_000);
  afterAll(() => app?.stop());

  it.each([
    ['a NUL in a variable', 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }', { input: { name: `a${NUL}b` } }, 'input.name'],
    ['a NUL inline', 'mutation { createApiKey(input: { name: "a\\u0000b" }) { key } }', {}, 'input.name'],
    ['a NUL in a list', 'mutation($s: [String!]) { createSession(input: { userId: "u", toolkits: $s }) { clientToken } }', { s: ['github', NUL] }, 's.1'],
    ['a NUL inside an ID', 'mutation($id: ID!) { deleteAuthConfig(input: { id: $id }) { __typename } }', { id: Buffer.from(`AuthConfig:${NUL}`).toString('base64') }, 'id'],
    ['an ID of another type', 'mutation($id: ID!) { deleteAuthConfig(input: { id: $id }) { __typename } }', { id: Buffer.from('Session:abc').toString('base64') }, ''],
    ['an unparsable origin', 'mutation($o: [String!]) { updateProject(input: { allowedCallbackOrigins: $o }) { project { id } } }', { o: ['https://'] }, 'allowedCallbackOrigins.0'],
    ['an unparsable webhook URL', 'mutation { createWebhookEndpoint(input: { url: "https://[::1" }) { webhookEndpoint { id } } }', {}, 'url'],
    ['an unparsable toolkit URL', `mutation { createToolkit(input: { slug: "x-fuzz", name: "X", authScheme: OAUTH2, oauth2: { authorizeUrl: "https://%", tokenUrl: "https://example.com/t" } }) { toolkit { id } } }`, {}, 'oauth2.authorizeUrl'],
  ])('answers %s with BAD_USER_INPUT and its issue', async (_what, query, variables, path) => {
    const result = await app.gql(query, variables);
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: expect.arrayContaining([expect.objectContaining({ path })]) });
  });

  it(`answers ${RUNS_PER_MUTATION} generated inputs to each mutation without an internal error`, async () => {
    const mutations = Object.values(schema.getMutationType()!.getFields());
    expect(mutations.length).toBeGreaterThanOrEqual(20);
    const cases = mutations.flatMap((mutation) => {
      const inputType = mutation.args.find((a) => a.name === 'input')!.type;
      const inputs = fc.sample(valueFor(inputType, pools), { numRuns: RUNS_PER_MUTATION, seed: SEED });
      const typeName = getNamedType(getNullableType(inputType)).name;
      const query = `mutation Fuzz($input: ${typeName}!) { ${mutation.name}(input: $input) { __typename } }`;
      return inputs.map((input) => ({ mutation: mutation.name, query, input }));
    });
    expect(cases.length).toBeGreaterThanOrEqual(2000);

    const failures: Failure[] = [];
    const codes = new Map<string, number>();
    for (let i = 0; i < cases.length; i += CONCURRENCY) {
      await Promise.all(
        cases.slice(i, i + CONCURRENCY).map(async ({ mutation, query, input }) => {
          const response = await fetch(`${app.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
            body: JSON.stringify({ query, variables: { input } }),
          });
          const body = (await response.json()) as {
            errors?: { message: string; path?: unknown[]; extensions?: { code?: string; issues?: unknown[] } }[];
          };
          for (const error of body.errors ?? []) {
            const code = error.extensions?.code ?? 'none';
            codes.set(code, (codes.get(code) ?? 0) + 1);
            // Without a path, an error is graphql-js's own refusal of the request (a variable
            // that is no Int...), which carries no code; raised while running, it must have one.
            const unexpected = code === 'INTERNAL_SERVER_ERROR' || (code === 'none' && error.path !== undefined);
            const badInputWithoutIssues = code === 'BAD_USER_INPUT' && !(error.extensions?.issues?.length);
            if (unexpected || badInputWithoutIssues) failures.push({ mutation, input, status: response.status, errors: body.errors });
          }
          if (response.status >= 500) failures.push({ mutation, input, status: response.status, errors: body.errors });
        }),
      );
    }
    // The inputs did reach the resolvers: most were refused as bad input, some went through.
    expect(codes.get('BAD_USER_INPUT') ?? 0).toBeGreaterThan(cases.length / 4);
    // The first few, with the input that caused them.
    expect(failures.slice(0, 5)).toEqual([]);
    expect(errorLines).toEqual([]);
  }, 600_000);
});
