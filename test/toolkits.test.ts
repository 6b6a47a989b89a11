import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, storeApiKey } from '../src/domain/access/api-keys.js';
import { startTestApp, type TestApp } from './support/app.js';
import { databaseModes, type TestDatabase } from './support/databases.js';

const TOOLKITS = /* GraphQL */ `
  query Toolkits($first: Int, $after: String, $search: String, $authScheme: AuthScheme) {
    toolkits(first: $first, after: $after, search: $search, authScheme: $authScheme) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id slug name authSchemes isCustom } }
    }
  }
`;

const CREATE = /* GraphQL */ `
  mutation Create($input: CreateToolkitInput!) {
    createToolkit(input: $input) {
      toolkit { id slug name authSchemes isCustom oauth { authorizeUrl tokenUrl defaultScopes pkce } fields { name secret } }
    }
  }
`;

const oauthToolkit = (slug: string) => ({
  slug,
  name: 'Internal CRM',
  authScheme: 'OAUTH2',
  oauth2: {
    authorizeUrl: 'https://crm.example.com/oauth/authorize',
    tokenUrl: 'https://crm.example.com/oauth/token',
    scopes: ['contacts.read'],
  },
});

describe.each(databaseModes)('toolkits on $name', ({ create }) => {
  let db: TestDatabase;
  let app: TestApp;
  let otherProjectKey: string;

  beforeAll(async () => {
    db = await create();
    app = await startTestApp(db);
    const prisma = app.database.prisma;
    const other = await prisma.project.create({ data: { name: 'Other' } });
    otherProjectKey = generateApiKey();
    await storeApiKey(prisma, other.id, otherProjectKey, 'test');
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it('lists the whole catalog, 230 toolkits or more, by pages', async () => {
    const first = await app.gql(TOOLKITS, { first: 100 });
    expect(first.errors).toBeUndefined();
    const connection = first.data!.toolkits;
    expect(connection.totalCount).toBeGreaterThanOrEqual(230);
    expect(connection.edges).toHaveLength(100);
    expect(connection.pageInfo.hasNextPage).toBe(true);

    const seen = new Set<string>();
    let after: string | null = null;
    do {
      const page: any = await app.gql(TOOLKITS, { first: 100, after });
      for (const edge of page.data.toolkits.edges) seen.add(edge.node.slug);
      after = page.data.toolkits.pageInfo.hasNextPage ? page.data.toolkits.pageInfo.endCursor : null;
    } while (after);
    expect(seen.size).toBe(connection.totalCount);
    const slugs = [...seen];
    expect(slugs).toEqual([...slugs].sort());
    expect(slugs).toEqual(expect.arrayContaining(['github', 'google', 'slack', 'openai', 'stripe']));
  });

  it('searches slug and name case-insensitively and filters by auth scheme', async () => {
    const github = await app.gql(TOOLKITS, { search: 'GitHub', first: 10 });
    expect(github.data!.toolkits.edges.map((e: any) => e.node.slug)).toContain('github');

    const apiKey = await app.gql(TOOLKITS, { authScheme: 'API_KEY', first: 100 });
    const nodes = apiKey.data!.toolkits.edges.map((e: any) => e.node);
    expect(nodes.length).toBeGreaterThanOrEqual(20);
    for (const node of nodes) expect(node.authSchemes).toContain('API_KEY');

    const oauth1 = await app.gql(TOOLKITS, { authScheme: 'OAUTH1', first: 100 });
    expect(oauth1.data!.toolkits.totalCount).toBeGreaterThan(0);
    expect(oauth1.data!.toolkits.totalCount).toBeLessThan(apiKey.data!.toolkits.totalCount + 200);
  });

  it('reads one toolkit by slug and by global id', async () => {
    const bySlug = await app.gql(`{ toolkit(slug: "github") { id name oauth { version authorizeUrl tokenUrl } } }`);
    expect(bySlug.data!.toolkit).toMatchObject({
      name: 'GitHub',
      oauth: { version: 2, authorizeUrl: 'https://github.com/login/oauth/authorize' },
    });
    const byId = await app.gql(`query($id: ID!) { node(id: $id) { id ... on Toolkit { slug } } }`, {
      id: bySlug.data!.toolkit.id,
    });
    expect(byId.data!.node).toEqual({ id: bySlug.data!.toolkit.id, slug: 'github' });

    const openai = await app.gql(`{ toolkit(slug: "openai") { authSchemes oauth { version } fields { name label secret pattern } } }`);
    expect(openai.data!.toolkit.oauth).toBeNull();
    expect(openai.data!.toolkit.fields[0]).toMatchObject({ secret: true });

    const missing = await app.gql(`{ toolkit(slug: "no-such-toolkit") { id } }`);
    expect(missing).toEqual({ data: { toolkit: null } });
  });

  it('creates a custom OAuth 2 toolkit visible only to its project', async () => {
    const created = await app.gql(CREATE, { input: oauthToolkit('internal-crm') });
    expect(created.errors).toBeUndefined();
    const toolkit = created.data!.createToolkit.toolkit;
    expect(toolkit).toMatchObject({
      slug: 'internal-crm',
      authSchemes: ['OAUTH2'],
      isCustom: true,
      oauth: { defaultScopes: ['contacts.read'], pkce: true },
    });

    const mine = await app.gql(TOOLKITS, { search: 'internal-crm' });
    expect(mine.data!.toolkits.totalCount).toBe(1);

    const theirs = await app.gql(TOOLKITS, { search: 'internal-crm' }, otherProjectKey);
    expect(theirs.data!.toolkits.totalCount).toBe(0);
    const theirNode = await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: toolkit.id }, otherProjectKey);
    expect(theirNode.data!.node).toBeNull();
    const theirSlug = await app.gql(`{ toolkit(slug: "internal-crm") { id } }`, undefined, otherProjectKey);
    expect(theirSlug.data!.toolkit).toBeNull();

    // Another project may use the same slug for its own toolkit.
    const reused = await app.gql(CREATE, { input: oauthToolkit('internal-crm') }, otherProjectKey);
    expect(reused.errors).toBeUndefined();
  });

  it('creates an API-key toolkit with its form fields', async () => {
    const created = await app.gql(CREATE, {
      input: {
        slug: 'billing_api',
        name: 'Billing API',
        authScheme: 'API_KEY',
        apiBaseUrl: 'http://127.0.0.1:9000/v1',
        fields: [{ name: 'apiKey', label: 'API key', secret: true, pattern: '^bk_[a-z0-9]{16}$' }],
      },
    });
    expect(created.errors).toBeUndefined();
    expect(created.data!.createToolkit.toolkit).toMatchObject({
      authSchemes: ['API_KEY'],
      oauth: null,
      fields: [{ name: 'apiKey', secret: true }],
    });
  });

  it('rejects bad toolkits with BAD_USER_INPUT naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...oauthToolkit('plain-http'), oauth2: { authorizeUrl: 'http://crm.example.com/a', tokenUrl: 'https://crm.example.com/t' } }, 'oauth2.authorizeUrl'],
      [{ ...oauthToolkit('Bad Slug!') }, 'slug'],
      [{ ...oauthToolkit('no-endpoints'), oauth2: undefined }, 'oauth2'],
      [{ slug: 'no-fields', name: 'No fields', authScheme: 'API_KEY' }, 'fields'],
      [{ slug: 'oauth-one', name: 'OAuth 1', authScheme: 'OAUTH1' }, 'authScheme'],
      [
        {
          slug: 'bad-pattern',
          name: 'Bad pattern',
          authScheme: 'API_KEY',
          fields: [{ name: 'apiKey', label: 'Key', secret: true, pattern: '([' }],
        },
        'fields.0.pattern',
      ],
      [
        {
          slug: 'twice',
          name: 'Twice',
          authScheme: 'BASIC',
          fields: [
            { name: 'user', label: 'User', secret: false },
            { name: 'user', label: 'Password', secret: true },
          ],
        },
        'fields',
      ],
    ];
    for (const [input, path] of cases) {
      const result = await app.gql(CREATE, { input });
      expect(result.data, JSON.stringify(input)).toBeNull();
      const error = result.errors![0]!;
      expect(error.extensions!.code, JSON.stringify(input)).toBe('BAD_USER_INPUT');
      expect(error.extensions!.issues.map((i: any) => i.path), JSON.stringify(input)).toContain(path);
    }
  });

  it('refuses a slug already used by the catalog or by the project', async () => {
    const catalogClash = await app.gql(CREATE, { input: oauthToolkit('github') });
    expect(catalogClash.errors![0]).toMatchObject({
      message: 'The slug "github" is already used by a catalog toolkit.',
      extensions: { code: 'CONFLICT' },
    });
    await app.gql(CREATE, { input: oauthToolkit('twice-crm') });
    const projectClash = await app.gql(CREATE, { input: oauthToolkit('twice-crm') });
    expect(projectClash.errors![0]!.extensions!.code).toBe('CONFLICT');
  });
});
