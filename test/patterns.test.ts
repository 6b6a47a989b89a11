import { RE2JS } from 're2js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog, matchesFieldPattern } from '../src/catalog/index.js';
import { emailPattern } from '../src/catalog/fields.js';
import { validateCredentialForm } from '../src/domain/toolkits/credential-forms.js';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { authorizeLink, startSession } from './support/connect.js';
import { createPGliteDatabase } from './support/databases.js';

// Exponential for a backtracking engine: each extra "a" doubles the work before "!" fails it.
const EVIL = '^(a+)+$';
const evilField = { name: 'code', label: 'Code', secret: false, required: true, pattern: EVIL };

describe('credential field patterns', () => {
  it('runs a catastrophic-backtracking pattern in linear time, with the right answer', () => {
    expect(matchesFieldPattern(EVIL, `${'a'.repeat(10_000)}!`)).toBe(false);
    expect(matchesFieldPattern(EVIL, 'a'.repeat(10_000))).toBe(true);
    expect(validateCredentialForm([evilField], { code: `${'a'.repeat(4000)}!` })).toEqual({
      ok: false,
      fieldErrors: { code: 'Code does not look right.' },
    });
    expect(validateCredentialForm([evilField], { code: 'aaaa' })).toEqual({ ok: true, values: { code: 'aaaa' } });
  });

  it('checks the length before the pattern, per field', () => {
    const email = { name: 'email', label: 'E-mail', secret: false, required: true, pattern: emailPattern };
    expect(validateCredentialForm([email], { email: `${'x'.repeat(15_000)}@example.com` })).toEqual({
      ok: false,
      fieldErrors: { email: 'E-mail is too long.' },
    });
    expect(validateCredentialForm([{ ...email, maxLength: 20 }], { email: 'someone.long@example.com' })).toEqual({
      ok: false,
      fieldErrors: { email: 'E-mail is too long.' },
    });
    expect(validateCredentialForm([email], { email: 'me@example.com' })).toEqual({ ok: true, values: { email: 'me@example.com' } });
  });

  it('compiles every catalog pattern under RE2', () => {
    const patterns = loadCatalog().flatMap((toolkit) => toolkit.fields.flatMap((field) => (field.pattern ? [field.pattern] : [])));
    expect(patterns.length).toBeGreaterThan(30);
    for (const pattern of patterns) expect(() => RE2JS.compile(pattern), pattern).not.toThrow();
  });
});

describe('patterns of a project toolkit (embedded database)', () => {
  let app: TestApp;
  const CREATE = `mutation($input: CreateToolkitInput!) { createToolkit(input: $input) { toolkit { slug fields { name pattern maxLength } } } }`;
  const toolkit = (slug: string, pattern: string) => ({
    slug,
    name: slug,
    authScheme: 'API_KEY',
    fields: [{ name: 'apiKey', label: 'API key', secret: true, pattern }],
  });

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase());
  });
  afterAll(() => app?.stop());

  it('refuses patterns RE2 cannot run (backreferences, lookaround) at createToolkit', async () => {
    for (const pattern of ['^(a)\\1$', '^(?=a)a+$', '^(?!x).+$', '^(?<=a)b$']) {
      const result = await app.gql(`mutation($input: CreateToolkitInput!) { createToolkit(input: $input) { toolkit { slug } } }`, {
        input: toolkit('backtracking', pattern),
      });
      expect(result.errors?.[0]?.extensions, pattern).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'fields.0.pattern' }] });
      expect(result.errors![0]!.message).toContain('RE2');
    }
  });

  it('answers the hosted form of an exponential pattern with a validation error', async () => {
    const created = await app.gql(CREATE, { input: toolkit('evil', EVIL) });
    expect(created.errors).toBeUndefined();
    expect(created.data!.createToolkit.toolkit.fields).toEqual([{ name: 'apiKey', pattern: EVIL, maxLength: 4096 }]);
    const { session, clientToken } = await startSession(app, 'u_evil', ['evil']);
    const { connectLink } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'evil' });
    const browser = new Browser();
    const page = await (await browser.request(connectLink.url)).text();
    // The browser's own (backtracking) engine never gets a project's pattern.
    expect(page).toContain('maxlength="4096"');
    expect(page).not.toContain('pattern=');
    const form = Browser.parseForm(page, connectLink.url);
    const answer = await browser.request(form.action, { method: 'POST', form: { ...form.fields, apiKey: `${'a'.repeat(4000)}!` } });
    expect(answer.status).toBe(422);
    expect(await answer.text()).toContain('API key does not look right.');
  });
});
