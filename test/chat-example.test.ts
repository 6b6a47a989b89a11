import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChatExample, type ChatExample } from '../examples/chat/app.js';
import { launchChromium } from './support/chromium.js';

const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;

async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

/** Types a message into the chat and sends it, as the user does. */
async function say(page: Page, text: string) {
  await page.getByLabel('Message').fill(text);
  await page.getByLabel('Message').press('Enter');
}

/** Opens the chat's Connect link (a new tab), clicks Connect and signs in at Demo Mail. */
async function connectInPopup(context: BrowserContext, page: Page, options: { deny?: boolean } = {}): Promise<Page> {
  const [popup] = await Promise.all([context.waitForEvent('page'), page.getByTestId('connect-link').last().click()]);
  await popup.getByTestId('connect-button').click();
  await popup.waitForURL(/\/interaction\//);
  await popup.fill('input[name="login"]', 'maria');
  await popup.fill('input[name="password"]', 'x');
  await popup.click('button[type="submit"]');
  await popup.waitForSelector('form input[name="prompt"][value="consent"]', { state: 'attached' });
  if (options.deny) await popup.click('a[href$="/abort"]');
  else await popup.click('button[type="submit"]');
  return popup;
}

describe('the chat example in Chromium', () => {
  let example: ChatExample;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    example = await startChatExample({ host: '127.0.0.1', chatPort: 0, connectPort: 0, mailPort: 0, log: () => {} });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await example?.stop();
  });

  it('asks for Demo Mail, resumes by itself once connected, then answers straight away', async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 760 } });
    const page = await context.newPage();
    await page.goto(example.chatUrl);
    await page.waitForSelector('body[data-ready="true"]');

    await say(page, 'summarize my emails');
    await page.getByTestId('connect-link').waitFor();
    expect(await page.getByTestId('connect-link').getAttribute('href')).toMatch(new RegExp(`^${example.connectUrl}/link/`));
    await screenshot(page, 'chat-1-connect-link');

    // When the provider sends the browser back to Connect, the subscription is about to fire.
    // Timings are logged, not asserted: they depend on the machine.
    let redirectedAt = 0;
    let resumedAt = 0;
    context.on('request', (request) => {
      if (request.url().startsWith(`${example.connectUrl}/connect/`) && /\/callback\?/.test(request.url())) redirectedAt = Date.now();
      if (redirectedAt && !resumedAt && request.url() === `${example.chatUrl}/api/chat`) resumedAt = Date.now();
    });
    const popup = await connectInPopup(context, page);
    await popup.getByTestId('callback-result').waitFor();
    await screenshot(popup, 'chat-2-provider-done');

    // No typing: the page learns ACTIVE from its subscription and asks the agent again.
    await page.getByText('Connected as maria@demo-mail.example').waitFor();
    await page.getByTestId('agent-answer').waitFor();
    console.log(`chat example: after the provider's redirect, the page resumed the agent in ${resumedAt - redirectedAt} ms and showed its answer in ${Date.now() - redirectedAt} ms`);
    expect(await page.getByTestId('agent-answer').textContent()).toContain('Your invoice for November');
    expect(await page.locator('.message.user').count()).toBe(1);
    await screenshot(page, 'chat-3-resumed');

    await say(page, 'any new mail?');
    await expect.poll(() => page.getByTestId('agent-answer').count()).toBe(2);
    expect(await page.getByTestId('connect-link').count()).toBe(1);
    await screenshot(page, 'chat-4-second-request');
    await context.close();
  });

  it('says so and offers a new link when the user refuses at the provider', async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 760 } });
    const page = await context.newPage();
    await page.goto(example.chatUrl);
    await page.waitForSelector('body[data-ready="true"]');
    await say(page, 'summarize my emails');
    await connectInPopup(context, page, { deny: true });

    await page.getByTestId('connection-problem').waitFor();
    expect(await page.getByTestId('connection-problem').textContent()).toContain('access_denied');
    await screenshot(page, 'chat-5-refused');
    await page.getByTestId('retry').click();
    await expect.poll(() => page.getByTestId('connect-link').count()).toBe(2);
    await context.close();
  });
});
