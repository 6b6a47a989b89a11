import { describe, expect, it } from 'vitest';
import { buildCatalog, catalogToolkitSchema, readJsonPath, type CatalogToolkitInput } from '../src/catalog/index.js';

/** Issue messages of a rejected entry, joined, so tests can match on the problem. */
function rejection(entry: unknown): string {
  const result = catalogToolkitSchema.safeParse(entry);
  expect(result.success).toBe(false);
  return result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n') ?? '';
}

const oauth = { version: 2 as const, authorizeUrl: 'https://x.example.com/auth', tokenUrl: 'https://x.example.com/token' };
const oauthEntry = { slug: 'acme', name: 'Acme', authSchemes: ['OAUTH2'], oauth };
const apiKeyEntry = {
  slug: 'acme',
  name: 'Acme',
  authSchemes: ['API_KEY'],
  fields: [
    { name: 'apiKey', label: 'API key', secret: true },
    { name: 'region', label: 'Region', secret: false },
  ],
  apiBaseUrl: 'https://api.acme.example',
  apiAuth: { headers: { Authorization: 'Bearer {apiKey}' } },
};

describe('oauth.pkceOptOut and the derived pkce', () => {
  it('turns PKCE on for OAuth 2 unless an opt-out names a reason', () => {
    expect(catalogToolkitSchema.parse(oauthEntry).oauth?.pkce).toBe(true);
    const optedOut = catalogToolkitSchema.parse({ ...oauthEntry, oauth: { ...oauth, pkceOptOut: 'token endpoint rejects code_verifier' } });
    expect(optedOut.oauth).toMatchObject({ pkce: false, pkceOptOut: 'token endpoint rejects code_verifier' });
  });

  it('needs a reason, refuses the old boolean, and is meaningless for OAuth 1', () => {
    expect(rejection({ ...oauthEntry, oauth: { ...oauth, pkceOptOut: 'no' } })).toMatch(/pkceOptOut: say why PKCE is off/);
    expect(rejection({ ...oauthEntry, oauth: { ...oauth, pkce: false } })).toMatch(/pkce/);
    const oauth1 = { ...oauth, version: 1, requestUrl: 'https://x.example.com/request', pkceOptOut: 'signed requests only' };
    expect(rejection({ ...oauthEntry, authSchemes: ['OAUTH1'], oauth: oauth1 })).toMatch(/oauth\.pkceOptOut: pkceOptOut is only valid for OAuth 2/);
    const plain1 = catalogToolkitSchema.parse({ ...oauthEntry, authSchemes: ['OAUTH1'], oauth: { ...oauth1, pkceOptOut: undefined } });
    expect(plain1.oauth?.pkce).toBe(false);
  });
});

describe('issuer, authorizeParams, user scopes and tokenResponse', () => {
  it('accepts them and keeps them exactly', () => {
    const parsed = catalogToolkitSchema.parse({
      ...oauthEntry,
      oauth: {
        ...oauth,
        issuer: 'https://id.example.com/',
        authorizeParams: { access_type: 'offline', prompt: 'consent' },
        userScopeParam: 'user_scope',
        defaultUserScopes: ['search:read'],
        tokenResponse: { accessToken: 'authed_user.access_token', scope: 'authed_user.scope' },
      },
    });
    expect(parsed.oauth).toMatchObject({
      issuer: 'https://id.example.com/',
      authorizeParams: { access_type: 'offline', prompt: 'consent' },
      userScopeParam: 'user_scope',
      defaultUserScopes: ['search:read'],
      tokenResponse: { accessToken: 'authed_user.access_token' },
    });
  });

  it('rejects a non-https issuer, server-owned or malformed parameters and stray user scopes', () => {
    expect(rejection({ ...oauthEntry, oauth: { ...oauth, issuer: 'http://id.example.com' } })).toMatch(/oauth\.issuer: URL must use https/);
    for (const name of ['state', 'redirect_uri', 'code_challenge', 'scope', 'client_id']) {
      expect(rejection({ ...oauthEntry, oauth: { ...oauth, authorizeParams: { [name]: 'x' } } })).toMatch(/is set by the server itself/);
    }
    expect(rejection({ ...oauthEntry, oauth: { ...oauth, authorizeParams: { 'bad name': 'x' } } })).toMatch(/authorizeParams\.bad name: Invalid key/);
    expect(rejection({ ...oauthEntry, oauth: { ...oauth, defaultUserScopes: ['a'] } })).toMatch(/defaultUserScopes needs userScopeParam/);
    expect(rejection({ ...oauthEntry, oauth: { ...oauth, userScopeParam: 'scope' } })).toMatch(/userScopeParam: "scope" is set by the server/);
    expect(
      rejection({ ...oauthEntry, oauth: { ...oauth, userScopeParam: 'user_scope', authorizeParams: { user_scope: 'x' } } }),
    ).toMatch(/authorizeParams\.user_scope/);
  });

  it('validates tokenResponse paths', () => {
    expect(rejection({ ...oauthEntry, oauth: { ...oauth, tokenResponse: {} } })).toMatch(/tokenResponse needs at least one path/);
    expect(rejection({ ...oauthEntry, oauth: { ...oauth, tokenResponse: { accessToken: 'a..b' } } })).toMatch(/dot-separated keys/);
    expect(rejection({ ...oauthEntry, oauth: { ...oauth, tokenResponse: { idToken: 'x' } } })).toMatch(/idToken/);
  });
});

describe('identity', () => {
  it('accepts id_token with the openid scope and endpoints with path fallbacks', () => {
    const idToken = catalogToolkitSchema.parse({ ...oauthEntry, oauth: { ...oauth, defaultScopes: ['openid'] }, identity: { from: 'id_token' } });
    expect(idToken.identity).toEqual({ from: 'id_token' });
    const endpoint = catalogToolkitSchema.parse({
      ...oauthEntry,
      identity: { from: 'endpoint', url: 'https://api.example.com/me', id: 'id', email: 'emails.0.value', name: 'name|login' },
    });
    expect(endpoint.identity).toMatchObject({ method: 'GET', name: 'name|login' });
  });

  it('rejects id_token without openid, bad paths, a GET body and unknown URL placeholders', () => {
    expect(rejection({ ...oauthEntry, identity: { from: 'id_token' } })).toMatch(/id_token identity needs OAuth 2 with the openid scope/);
    const endpoint = { from: 'endpoint', url: 'https://api.example.com/me', id: 'id' };
    expect(rejection({ ...oauthEntry, identity: { ...endpoint, id: 'name||login' } })).toMatch(/identity\.id/);
    expect(rejection({ ...oauthEntry, identity: { ...endpoint, body: '{}' } })).toMatch(/only a POST identity request has a body/);
    expect(rejection({ ...oauthEntry, identity: { ...endpoint, method: 'POST', body: '{' } })).toMatch(/body must be JSON text/);
    expect(rejection({ ...oauthEntry, identity: { ...endpoint, url: 'https://[tenant].example.com/me' } })).toMatch(
      /identity\.url: URL placeholder \[tenant\] does not name a field or metadata/,
    );
    expect(rejection({ ...oauthEntry, identity: { from: 'userinfo' } })).toMatch(/identity/);
  });
});

describe('apiAuth', () => {
  it('accepts headers, query and basic templates that name credential fields', () => {
    expect(catalogToolkitSchema.parse(apiKeyEntry).apiAuth).toEqual({ headers: { Authorization: 'Bearer {apiKey}' } });
    const basic = catalogToolkitSchema.parse({ ...apiKeyEntry, apiAuth: { basic: { username: '{region}', password: '{apiKey}' } } });
    expect(basic.apiAuth?.basic).toEqual({ username: '{region}', password: '{apiKey}' });
    expect(catalogToolkitSchema.parse({ ...apiKeyEntry, apiAuth: { query: { key: '{apiKey}' } } }).apiAuth?.query).toEqual({ key: '{apiKey}' });
  });

  it('is required for a credential scheme with an API base, and must send a secret field it knows', () => {
    expect(rejection({ ...apiKeyEntry, apiAuth: undefined })).toMatch(/API_KEY with an apiBaseUrl must say how credentials are sent/);
    expect(catalogToolkitSchema.safeParse({ ...apiKeyEntry, apiAuth: undefined, apiBaseUrl: undefined }).success).toBe(true);
    expect(rejection({ ...apiKeyEntry, apiAuth: { headers: { Authorization: 'Bearer {token}' } } })).toMatch(
      /apiAuth\.headers\.Authorization: placeholder \{token\} does not name a credential field/,
    );
    expect(rejection({ ...apiKeyEntry, apiAuth: { headers: { 'X-Region': '{region}' } } })).toMatch(/apiAuth sends no secret field/);
    expect(rejection({ ...apiKeyEntry, apiAuth: { headers: { Accept: 'application/json' } } })).toMatch(/must reference a credential/);
    expect(rejection({ ...apiKeyEntry, apiAuth: {} })).toMatch(/apiAuth needs headers, query or basic/);
    expect(rejection({ ...apiKeyEntry, apiAuth: { headers: { Authorization: 'Bearer {apiKey' } } })).toMatch(/braces may only surround/);
    expect(rejection({ ...apiKeyEntry, apiAuth: { headers: { 'Bad Header': '{apiKey}' } } })).toMatch(/headers\.Bad Header: Invalid key/);
    expect(
      rejection({ ...apiKeyEntry, apiAuth: { basic: { username: 'u', password: '{apiKey}' }, headers: { authorization: 'x {apiKey}' } } }),
    ).toMatch(/basic and an Authorization header exclude each other/);
  });

  it('is for credential schemes; OAuth puts its own under oauth.apiAuth, which must send the token', () => {
    expect(rejection({ ...oauthEntry, apiAuth: { headers: { Authorization: 'Bearer {accessToken}' } } })).toMatch(
      /OAuth uses oauth\.apiAuth/,
    );
    const notion = catalogToolkitSchema.parse({
      ...oauthEntry,
      oauth: { ...oauth, apiAuth: { headers: { Authorization: 'Bearer {accessToken}', 'Notion-Version': '2022-06-28', 'Client-Id': '{clientId}' } } },
    });
    expect(notion.oauth?.apiAuth?.headers?.['Notion-Version']).toBe('2022-06-28');
    expect(rejection({ ...oauthEntry, oauth: { ...oauth, apiAuth: { headers: { Authorization: 'Bearer {clientId}' } } } })).toMatch(
      /OAuth 2 apiAuth must send \{accessToken\}/,
    );
    expect(
      rejection({ ...oauthEntry, oauth: { ...oauth, apiAuth: { headers: { Authorization: 'Bearer {accessToken}', 'X-Other': '{other}' } } } }),
    ).toMatch(/placeholder \{other\} names neither an OAuth token nor a field/);
    expect(
      rejection({ ...oauthEntry, oauth: { ...oauth, apiAuth: { query: { token: '{accessToken}', secret: '{accessSecret}' } } } }),
    ).toMatch(/\{accessSecret\}/);
  });

  it('refuses a field that would shadow the OAuth token', () => {
    expect(rejection({ ...oauthEntry, fields: [{ name: 'accessToken', label: 'Token', secret: true }] })).toMatch(
      /field "accessToken" would shadow the OAuth token/,
    );
  });
});

describe('metadata and API base URL placeholders', () => {
  const atlassianLike = {
    ...oauthEntry,
    metadata: [{ field: 'cloudId', url: 'https://api.example.com/resources', path: '0.id' }],
    apiBaseUrl: 'https://api.example.com/ex/[cloudId]',
  };

  it('lets apiBaseUrl use metadata, and a leading placeholder fill a whole origin from metadata', () => {
    expect(catalogToolkitSchema.parse(atlassianLike).metadata).toEqual([atlassianLike.metadata[0]]);
    const salesforceLike = { ...oauthEntry, metadata: [{ field: 'instanceUrl', path: 'instance_url' }], apiBaseUrl: '[instanceUrl]/services/data' };
    expect(catalogToolkitSchema.parse(salesforceLike).apiBaseUrl).toBe('[instanceUrl]/services/data');
    expect(catalogToolkitSchema.parse(oauthEntry).metadata).toEqual([]);
  });

  it('rejects unknown placeholders, clashing names, OAuth endpoints that use metadata and unsafe origins', () => {
    expect(rejection({ ...atlassianLike, apiBaseUrl: 'https://api.example.com/ex/[siteId]' })).toMatch(
      /apiBaseUrl: URL placeholder \[siteId\] does not name a field or metadata/,
    );
    expect(rejection({ ...atlassianLike, metadata: [...atlassianLike.metadata, atlassianLike.metadata[0]] })).toMatch(/defined twice/);
    expect(
      rejection({ ...atlassianLike, fields: [{ name: 'cloudId', label: 'Cloud', secret: false }] }),
    ).toMatch(/metadata field "cloudId" is defined twice/);
    expect(rejection({ ...atlassianLike, oauth: { ...oauth, tokenUrl: 'https://[cloudId].example.com/token' } })).toMatch(
      /oauth\.tokenUrl: URL placeholder \[cloudId\] does not name a credential field/,
    );
    expect(rejection({ ...atlassianLike, metadata: [{ field: 'cloudId', url: 'https://[later].example.com', path: 'id' }] })).toMatch(
      /does not name a field or earlier metadata/,
    );
    expect(rejection({ ...apiKeyEntry, apiBaseUrl: '[region]/v1' })).toMatch(/fills the whole origin/);
    expect(rejection({ ...apiKeyEntry, metadata: [{ field: 'account', path: 'account.id' }] })).toMatch(
      /only OAuth 2 metadata may come from the token response/,
    );
    expect(rejection({ ...atlassianLike, metadata: [{ field: 'Cloud', url: 'https://x.example.com', path: 'id' }] })).toMatch(/camelCase/);
  });

  it('accepts a leading origin from a field whose pattern demands https://', () => {
    const site = { name: 'siteUrl', label: 'Site', secret: false, pattern: '^https://[a-z.]+$' };
    const entry = { ...apiKeyEntry, fields: [...apiKeyEntry.fields, site], apiBaseUrl: '[siteUrl]/rest' };
    expect(catalogToolkitSchema.parse(entry).apiBaseUrl).toBe('[siteUrl]/rest');
  });
});

describe('merging an API-key entry onto an OAuth entry', () => {
  it('keeps the API-key side top-level and moves a different OAuth API base under oauth', () => {
    const oauthSide: CatalogToolkitInput = {
      ...(oauthEntry as CatalogToolkitInput),
      apiBaseUrl: 'https://api.example.com/ex/[cloudId]',
      metadata: [{ field: 'cloudId', url: 'https://api.example.com/resources', path: '0.id' }],
      identity: { from: 'endpoint', url: 'https://api.example.com/me', id: 'id' },
    };
    const [merged] = buildCatalog([oauthSide], [apiKeyEntry as CatalogToolkitInput]);
    expect(merged).toMatchObject({
      apiBaseUrl: 'https://api.acme.example',
      apiAuth: { headers: { Authorization: 'Bearer {apiKey}' } },
      oauth: { apiBaseUrl: 'https://api.example.com/ex/[cloudId]' },
      identity: { url: 'https://api.example.com/me' },
      metadata: [{ field: 'cloudId', authSchemes: ['OAUTH2'] }],
    });
    expect(() => buildCatalog([{ ...oauthSide, apiAuth: apiKeyEntry.apiAuth }], [apiKeyEntry as CatalogToolkitInput])).toThrow(
      /sets apiAuth; OAuth credentials are described by oauth\.apiAuth/,
    );
  });

  it('refuses a slug defined twice among the OAuth sources (grant and hand-written)', () => {
    expect(() => buildCatalog([oauthEntry as CatalogToolkitInput, oauthEntry as CatalogToolkitInput], [])).toThrow(/defined twice/);
  });
});

describe('readJsonPath', () => {
  const answer = { name: '', login: 'octo', emails: [{ value: 'a@example.com' }], data: { viewer: { id: 'u1' } }, zero: 0 };

  it('follows keys and array indexes, and takes the first present alternative', () => {
    expect(readJsonPath(answer, 'data.viewer.id')).toBe('u1');
    expect(readJsonPath(answer, 'emails.0.value')).toBe('a@example.com');
    expect(readJsonPath(answer, 'name|login')).toBe('octo');
    expect(readJsonPath(answer, 'missing|zero')).toBe(0);
    expect(readJsonPath(answer, 'missing.deeper')).toBeUndefined();
    expect(readJsonPath([{ id: 'c1' }], '0.id')).toBe('c1');
    expect(readJsonPath(answer, 'constructor')).toBeUndefined();
  });
});
