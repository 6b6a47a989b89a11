import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logoCount, logoOf } from '../src/catalog/index.js';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { authorizeLink, startSession } from './support/connect.js';
import { createPGliteDatabase } from './support/databases.js';

describe('logos: served from simple-icons, set as Toolkit.logoUrl, shown on the hosted pages', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase());
  });
  afterAll(() => app?.stop());

  it('serves a brand SVG in its colour, cacheable, locked down', async () => {
    const response = await fetch(`${app.url}/logos/github.svg`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toMatch(/public, max-age=\d+/);
    const svg = await response.text();
    expect(svg).toBe(logoOf('github')!.svg.replace('<svg ', `<svg fill="#${logoOf('github')!.hex}" `));

    const etag = response.headers.get('etag')!;
    expect(etag).toMatch(/^"[^"]+"$/);
    const again = await fetch(`${app.url}/logos/github.svg`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const other = await fetch(`${app.url}/logos/gitlab.svg`, { headers: { 'if-none-match': etag } });
    expect(other.status).toBe(200);
  });

  it('answers 404 for brands without a logo and for anything that is not a slug, 405 for other methods', async () => {
    for (const path of ['/logos/openai.svg', '/logos/no-such-toolkit.svg', '/logos/..%2fpackage.json', '/logos/github.png', '/logos/']) {
      const response = await fetch(`${app.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect((await fetch(`${app.url}/logos/github.svg`, { method: 'POST' })).status).toBe(405);
  });

  it(`sets Toolkit.logoUrl for the ${logoCount()} catalog toolkits that have a logo, and keeps a custom toolkit's own`, async () => {
    const withLogo: string[] = [];
    let after: string | null = null;
    do {
      const page: any = await app.gql(
        `query($after: String) { toolkits(first: 100, after: $after) { edges { node { slug logoUrl } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      for (const { node } of page.data.toolkits.edges) {
        if (node.logoUrl) {
          expect(node.logoUrl).toBe(`${app.publicUrl}/logos/${node.slug}.svg`);
          withLogo.push(node.slug);
        }
      }
      after = page.data.toolkits.pageInfo.hasNextPage ? page.data.toolkits.pageInfo.endCursor : null;
    } while (after);
    expect(withLogo.length).toBe(logoCount());
    expect(withLogo).toContain('gmail');
    expect(withLogo).not.toContain('openai');
    // Every advertised URL is served.
    for (const slug of withLogo.slice(0, 20)) expect((await fetch(`${app.url}/logos/${slug}.svg`)).status, slug).toBe(200);

    const custom = await app.gql(
      `mutation { createToolkit(input: { slug: "own-logo", name: "Own", authScheme: BEARER_TOKEN, logoUrl: "https://cdn.example.com/own.svg",
        fields: [{ name: "token", label: "Token", secret: true }] }) { toolkit { logoUrl } } }`,
    );
    expect(custom.data!.createToolkit.toolkit.logoUrl).toBe('https://cdn.example.com/own.svg');
  });

  it('shows the logo on the hosted page instead of a letter badge', async () => {
    const { session, clientToken } = await startSession(app, 'u_logo', ['anthropic']);
    const { connectLink } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'anthropic' });
    const html = await (await new Browser().request(connectLink.url)).text();
    expect(html).toContain(`<img src="${app.publicUrl}/logos/anthropic.svg"`);
    expect(html).not.toMatch(/class="logo b\d"[^>]*>A</);
  });
});
