import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CredentialField } from '../src/catalog/index.js';
import {
  escapeHtml,
  expiryText,
  html,
  htmlPattern,
  renderLinkPage,
  renderResultPage,
  type LinkPageModel,
} from '../src/connect/pages.js';

const now = new Date('2030-01-01T12:00:00Z');

function model(overrides: Partial<LinkPageModel> = {}): LinkPageModel {
  return {
    branding: { projectName: 'Acme Assistant', logoUrl: 'https://acme.example/logo.png', accentColor: '#0ea5e9' },
    toolkit: { slug: 'github', name: 'GitHub', logoUrl: 'https://logos.example/github.svg' },
    userId: 'user-42',
    scopes: ['repo', 'read:user'],
    expiresAt: new Date(now.getTime() + 15 * 60_000),
    now,
    csrfToken: 'csrf-token-123',
    mode: 'oauth',
    actionUrl: '/link/tok123',
    ...overrides,
  };
}

const field = (name: string, options: Partial<CredentialField> = {}): CredentialField => ({
  name,
  label: name,
  secret: false,
  required: true,
  ...options,
});

const formFields: CredentialField[] = [
  field('apiKey', { label: 'API key', secret: true, pattern: '^sk_(live|test)_[A-Za-z0-9]{10,}$', placeholder: 'sk_live_...' }),
  field('subdomain', { label: 'Subdomain', pattern: '^[a-z0-9]+$', description: 'The part before .example.com' }),
  field('region', { label: 'Region', required: false, pattern: '^[A-Za-z0-9_-]+$' }),
];

const formModel = (overrides: Partial<LinkPageModel> = {}) =>
  model({ mode: 'form', scopes: [], toolkit: { slug: 'stripe', name: 'Stripe', logoUrl: null }, fields: formFields, ...overrides });

/** The opening tag of the element with this id. */
function tagById(page: string, id: string): string {
  const tag = page.match(new RegExp(`<[a-z]+ [^>]*id="${id}"[^>]*>`))?.[0];
  expect(tag, `element #${id}`).toBeDefined();
  return tag ?? '';
}

describe('html helpers', () => {
  it('escapes text and keeps nested markup', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${inner}${['a', '&']}${null}${false}${3}</p>`.value).toBe('<p><b>&lt;i&gt;</b>a&amp;3</p>');
  });

  it('turns catalog patterns into HTML patterns only when browsers accept them', () => {
    expect(htmlPattern('^sk_(live|test)_[A-Za-z0-9]{10,}$')).toBe('sk_(live|test)_[A-Za-z0-9]{10,}');
    expect(htmlPattern('abc')).toBe('abc');
    expect(htmlPattern('^price\\$$')).toBe('price\\$');
    expect(htmlPattern('^[A-Za-z0-9_-]+$')).toBeNull(); // unescaped "-" in a class is an error with the v flag
    expect(htmlPattern('^$')).toBeNull();
    expect(htmlPattern(undefined)).toBeNull();
  });

  it('words the expiry', () => {
    expect(expiryText(new Date(now.getTime() + 15 * 60_000), now)).toBe('This link expires in 15 minutes');
    expect(expiryText(new Date(now.getTime() + 90_000), now)).toBe('This link expires in 2 minutes');
    expect(expiryText(new Date(now.getTime() + 30_000), now)).toBe('This link expires in 1 minute');
    expect(expiryText(now, now)).toBe('This link has expired');
  });
});

describe('link page, OAuth mode', () => {
  const page = renderLinkPage(model());

  it('is a complete, locked-down document', () => {
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).toContain('<meta name="referrer" content="no-referrer">');
    expect(page).toContain('<title>Connect GitHub · Acme Assistant</title>');
    expect(page).not.toMatch(/<script|<link |@import|url\(/i);
    // every inline style is allowed by the meta CSP's hashes
    const csp = (page.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1] ?? '').replaceAll('&#39;', "'");
    const styles = [...page.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1] ?? '');
    expect(styles).toHaveLength(2);
    for (const css of styles) expect(csp).toContain(`'sha256-${createHash('sha256').update(css).digest('base64')}'`);
  });

  it('has the Connect form with csrf and the test hook', () => {
    expect(page).toContain('<form method="post" action="/link/tok123">');
    expect(page).toContain('<input type="hidden" name="csrf" value="csrf-token-123">');
    expect(page).toContain('<button type="submit" data-testid="connect-button">Connect GitHub</button>');
    expect(page).not.toContain('credentials-form');
    expect(page).toContain('Connecting GitHub for user-42');
    expect(page).toContain('This link expires in 15 minutes');
    expect(page).toContain('Secured by Acme Assistant');
  });

  it('lists scopes, and omits the section when there are none', () => {
    expect(page).toContain('<li>repo</li><li>read:user</li>');
    expect(renderLinkPage(model({ scopes: [] }))).not.toContain('Requested permissions');
  });

  it('shows http(s) logos, drops others for an initial badge', () => {
    expect(page).toContain('<img src="https://acme.example/logo.png"');
    const evil = renderLinkPage(
      model({
        branding: { projectName: 'acme', logoUrl: 'javascript:alert(1)', accentColor: null },
        toolkit: { slug: 'x', name: 'Xero', logoUrl: 'data:image/svg+xml,<svg/>' },
      }),
    );
    expect(evil).not.toContain('javascript:');
    expect(evil).not.toContain('data:image');
    expect(evil).not.toContain('<img');
    expect(evil).toMatch(/<span class="logo badge-accent" aria-hidden="true">A<\/span>/);
    expect(evil).toMatch(/<span class="logo b\d" aria-hidden="true">X<\/span>/);
  });

  it('uses a valid accent colour and falls back on anything else', () => {
    expect(page).toContain('--accent:#0ea5e9;');
    for (const accentColor of ['red', '#12345', '#fff;} body{display:none', 'url(x)', null]) {
      const other = renderLinkPage(model({ branding: { projectName: 'p', logoUrl: null, accentColor } }));
      expect(other).toContain('--accent:#4f46e5;--accent-fg:#ffffff');
    }
    const light = renderLinkPage(model({ branding: { projectName: 'p', logoUrl: null, accentColor: '#FFEB3B' } }));
    expect(light).toContain('--accent:#ffeb3b;--accent-fg:#111827');
  });

  it('escapes everything interpolated', () => {
    const hostile = renderLinkPage(
      model({
        userId: '<script>alert(1)</script>',
        toolkit: { slug: 'q', name: `Bob's "Tools" <b>`, logoUrl: null },
        branding: { projectName: '<img src=x onerror=alert(1)>', logoUrl: null, accentColor: null },
        csrfToken: '"><script>',
        actionUrl: '/link/a"b',
        scopes: ['<scope>'],
      }),
    );
    expect(hostile).not.toContain('<script');
    expect(hostile).not.toContain('<img src=x');
    expect(hostile).not.toContain(`Bob's`);
    expect(hostile).not.toContain('"Tools"');
    expect(hostile).toContain('Connecting Bob&#39;s &quot;Tools&quot; &lt;b&gt; for &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(hostile).toContain('data-testid="connect-button">Connect Bob&#39;s &quot;Tools&quot; &lt;b&gt;</button>');
    expect(hostile).toContain('value="&quot;&gt;&lt;script&gt;"');
    expect(hostile).toContain('action="/link/a&quot;b"');
    expect(hostile).toContain('<li>&lt;scope&gt;</li>');
  });
});

describe('link page, form mode', () => {
  it('renders one labelled input per field with the right attributes', () => {
    const page = renderLinkPage(formModel());
    expect(page).toContain('<form method="post" data-testid="credentials-form" action="/link/tok123">');
    expect(page).toContain('<input type="hidden" name="csrf" value="csrf-token-123">');
    expect(page).toContain('<button type="submit" data-testid="submit">Connect</button>');
    expect(page).not.toContain('connect-button');

    const inputs = [...page.matchAll(/<input [^>]*>/g)].map((m) => m[0]).filter((tag) => !tag.includes('type="hidden"'));
    expect(inputs).toHaveLength(3);
    const ids = inputs.map((tag) => tag.match(/ id="([^"]+)"/)?.[1]);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(page).toContain(`<label for="${id}">`);

    const apiKey = tagById(page, 'field-apiKey');
    expect(apiKey).toContain('name="apiKey"');
    expect(apiKey).toContain('type="password"');
    expect(apiKey).toContain('autocomplete="off"');
    expect(apiKey).toContain(' required');
    expect(apiKey).toContain('pattern="sk_(live|test)_[A-Za-z0-9]{10,}"');
    expect(apiKey).toContain('placeholder="sk_live_..."');

    const subdomain = tagById(page, 'field-subdomain');
    expect(subdomain).toContain('type="text"');
    expect(subdomain).not.toContain('autocomplete');
    expect(subdomain).toContain('pattern="[a-z0-9]+"');
    expect(subdomain).toContain('aria-describedby="field-subdomain-help"');
    expect(page).toContain('<p class="help" id="field-subdomain-help">The part before .example.com</p>');

    const region = tagById(page, 'field-region');
    expect(region).not.toContain('required');
    expect(region).not.toContain('pattern='); // not valid with the v flag: left to the server
    expect(page).toContain('<span class="optional">(optional)</span>');
  });

  it('gives duplicate field names distinct ids', () => {
    const page = renderLinkPage(formModel({ fields: [field('token'), field('token')] }));
    expect(page).toContain('id="field-token"');
    expect(page).toContain('id="field-token-1"');
  });

  it('refills non-secret values but never secret ones', () => {
    const page = renderLinkPage(
      formModel({ values: { apiKey: 'sk_live_SUPERSECRET1234', subdomain: 'acme"co', region: 'eu' } }),
    );
    expect(page).not.toContain('SUPERSECRET');
    expect(tagById(page, 'field-apiKey')).not.toContain('value=');
    expect(tagById(page, 'field-subdomain')).toContain('value="acme&quot;co"');
    expect(tagById(page, 'field-region')).toContain('value="eu"');
  });

  it('shows field and form errors wired for assistive technology', () => {
    const page = renderLinkPage(
      formModel({
        fieldErrors: { apiKey: 'Key must start with sk_', subdomain: 'Not <found>' },
        formError: 'Stripe rejected these credentials',
      }),
    );
    expect(page).toContain('<div class="alert" id="form-error" role="alert">Stripe rejected these credentials</div>');
    expect(page).toContain('data-testid="credentials-form" action="/link/tok123" aria-describedby="form-error">');
    expect(page.indexOf('id="form-error"')).toBeLessThan(page.indexOf('<form'));

    const apiKey = tagById(page, 'field-apiKey');
    expect(apiKey).toContain('aria-describedby="field-apiKey-error"');
    expect(apiKey).toContain('aria-invalid="true"');
    expect(page).toContain('<p class="error" id="field-apiKey-error">Key must start with sk_</p>');

    const subdomain = tagById(page, 'field-subdomain');
    expect(subdomain).toContain('aria-describedby="field-subdomain-help field-subdomain-error"');
    expect(page).toContain('<p class="error" id="field-subdomain-error">Not &lt;found&gt;</p>');
    expect(tagById(page, 'field-region')).not.toContain('aria-invalid');
  });
});

describe('result pages', () => {
  const branding = { projectName: 'Acme Assistant', logoUrl: null, accentColor: '#16a34a' };

  it('marks success and error with their test ids and points back to the chat', () => {
    const success = renderResultPage({
      branding,
      kind: 'success',
      title: 'GitHub connected',
      message: 'Your agent can now use GitHub.',
      toolkit: { slug: 'github', name: 'GitHub', logoUrl: 'https://logos.example/github.svg' },
    });
    expect(success).toContain('data-testid="connect-success"');
    expect(success).not.toContain('connect-error');
    expect(success).toContain('<h1>GitHub connected</h1>');
    expect(success).toContain('You can close this tab and return to the chat.');
    expect(success).toContain('<img src="https://logos.example/github.svg"');
    expect(success).toContain('Secured by Acme Assistant');
    expect(success).toContain('--accent:#16a34a;');

    const error = renderResultPage({ branding: null, kind: 'error', title: 'Link expired', message: 'Ask for a <new> link.' });
    expect(error).toContain('data-testid="connect-error"');
    expect(error).not.toContain('connect-success');
    expect(error).toContain('Ask for a &lt;new&gt; link.');
    expect(error).toContain('You can close this tab and return to the chat.');
    expect(error).toContain('<title>Link expired</title>');
    expect(error).not.toContain('Secured by');
    expect(error).toContain('--accent:#4f46e5;');
  });
});
