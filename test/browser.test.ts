import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { chromiumExecutable, launchChromium } from './support/chromium.js';
import { authorizeLink, startSession } from './support/connect.js';
import { createPGliteDatabase } from './support/databases.js';
import type { OAuthProvider } from './support/oauth-provider.js';
import { setUpOAuthToolkit, setUpTenantedToolkit } from './support/oauth-flow.js';
import { CONNECTION_STATUS, subscribe, wsClient } from './support/ws.js';

const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;

async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

/** Signs in as maria on the provider's login page and consents; returns the login page's URL. */
async function signInAndConsent(page: Page): Promise<string> {
  await page.waitForURL(/\/interaction\//);
  const loginUrl = page.url();
  await page.fill('input[name="login"]', 'maria');
  await page.fill('input[name="password"]', 'x');
  await page.click('button[type="submit"]');
  await page.waitForSelector('form input[name="prompt"][value="consent"]', { state: 'attached' });
  await page.click('button[type="submit"]');
  return loginUrl;
}

describe('the hosted pages in Chromium', () => {
  let app: TestApp;
  let provider: OAuthProvider;
  let tenantProvider: OAuthProvider;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    app = await startTestApp(await createPGliteDatabase());
    ({ provider } = await setUpOAuthToolkit(app));
    ({ provider: tenantProvider } = await setUpTenantedToolkit(app));
    await app.gql(`mutation { updateProject(input: { name: "Acme Assistant", accentColor: "#0e7490" }) { project { id } } }`);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await provider?.close();
    await tenantProvider?.close();
  });

  it('connects an OAuth toolkit: Connect, sign in, consent, back to a success page', async () => {
    const { session, clientToken } = await startSession(app, 'maria@example.com', ['acme']);
    const { connectLink } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'acme' });
    const status = subscribe(wsClient(app.port, clientToken), CONNECTION_STATUS, { connectLinkId: connectLink.id });
    await status.next();

    const context = await browser.newContext({ viewport: { width: 420, height: 860 } });
    const page = await context.newPage();
    await page.goto(connectLink.url);
    await page.getByText('Connecting Acme CRM for maria@example.com').waitFor();
    expect(await page.textContent('body')).toContain('contacts.read');
    await screenshot(page, 'oauth-link-page');

    await page.getByTestId('connect-button').click();
    await signInAndConsent(page);

    await page.getByTestId('connect-success').waitFor();
    await screenshot(page, 'oauth-success-page');
    expect((await status.next()).data.connectionStatus.status).toBe('ACTIVE');
    await status.close();
    await context.close();
  });

  it('connects an OAuth toolkit whose URL needs a workspace the user types first', async () => {
    const { session, clientToken } = await startSession(app, 'maria@example.com', ['tenanted']);
    const { connectLink } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'tenanted' });
    const context = await browser.newContext({ viewport: { width: 420, height: 860 } });
    const page = await context.newPage();
    await page.goto(connectLink.url);
    await page.getByLabel('Workspace').fill('Not Valid');
    await page.getByTestId('connect-button').click();
    await page.getByText('Workspace does not look right.').waitFor();
    expect(await page.getByLabel('Workspace').inputValue()).toBe('Not Valid');
    await screenshot(page, 'oauth-fields-error');
    await page.getByLabel('Workspace').fill('acme');

    await page.getByTestId('connect-button').click();
    expect(new URL(await signInAndConsent(page)).origin).toBe(tenantProvider.issuer);
    await page.getByTestId('connect-success').waitFor();
    expect(tenantProvider.tokenRequests()).toMatchObject({ authorization_code: 1 });
    await context.close();
  });

  it('connects an API-key toolkit through the form, showing errors in place', async () => {
    const { session, clientToken } = await startSession(app, 'maria@example.com', ['anthropic']);
    const { connectLink } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'anthropic' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(connectLink.url);
    const form = page.getByTestId('credentials-form');
    await form.waitFor();
    await screenshot(page, 'api-key-form');

    // Skip the browser's own pattern check to see the server's answer.
    await page.$eval('form', (element) => element.setAttribute('novalidate', ''));
    await page.fill('input[name="apiKey"]', 'wrong');
    await page.getByTestId('submit').click();
    await page.getByText('does not look right').waitFor();
    expect(await page.inputValue('input[name="apiKey"]')).toBe('');
    await screenshot(page, 'api-key-form-error');

    await page.fill('input[name="apiKey"]', `sk-ant-api03-${'a'.repeat(80)}`);
    await page.getByTestId('submit').click();
    await page.getByTestId('connect-success').waitFor();
    await screenshot(page, 'api-key-success');
    await context.close();
  });

  it('shows a clear page for an unknown link', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(`${app.url}/link/cl_${'0'.repeat(43)}`);
    expect(response?.status()).toBe(404);
    await page.getByTestId('connect-error').waitFor();
    await screenshot(page, 'unknown-link');
    await context.close();
  });
});

describe('finding a Chromium on a fresh machine', () => {
  it('uses the build that npm install brings when the system has none', async () => {
    const saved = process.env.CHROMIUM_PATH;
    delete process.env.CHROMIUM_PATH;
    try {
      const path = await chromiumExecutable([]);
      expect(path).not.toMatch(/^\/usr\/bin\//);
      const browser = await chromium.launch({ executablePath: path, args: ['--headless', '--no-sandbox', '--no-zygote'] });
      try {
        const page = await browser.newPage();
        await page.setContent('<p data-testid="probe">rendered</p>');
        expect(await page.getByTestId('probe').textContent()).toBe('rendered');
      } finally {
        await browser.close();
      }
    } finally {
      if (saved !== undefined) process.env.CHROMIUM_PATH = saved;
    }
  });
});
