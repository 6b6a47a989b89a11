import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ENCRYPTION_KEYS, startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { authorizeLink, CALLBACK_ORIGIN, rawId, startSession } from './support/connect.js';
import { createPGliteDatabase } from './support/databases.js';
import { CONNECTION_STATUS, subscribe, wsClient } from './support/ws.js';
import { KeyRing } from '../src/domain/crypto/encryption.js';

const OPENAI_KEY = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCDEF';

describe('connecting an API-key toolkit', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase(), {}, { sweepIntervalMs: 100 });
  });
  afterAll(() => app?.stop());

  it('goes INITIATED → ACTIVE through the hosted form, pushed to the subscriber', async () => {
    const { session, clientToken } = await startSession(app, 'u_42', ['openai']);
    const { connectLink, connectedAccount } = await authorizeLink(app, clientToken, {
      sessionId: session.id,
      toolkit: 'openai',
      callbackUrl: `${CALLBACK_ORIGIN}/chat/7?tab=tools`,
    });
    expect(connectedAccount.status).toBe('INITIATED');
    expect(connectLink.url).toMatch(new RegExp(`^${app.publicUrl}/link/cl_[A-Za-z0-9_-]{43}$`));

    const client = wsClient(app.port, clientToken);
    const status = subscribe(client, CONNECTION_STATUS, { connectLinkId: connectLink.id });
    expect((await status.next()).data.connectionStatus).toMatchObject({ status: 'INITIATED' });

    const browser = new Browser();
    const page = await browser.request(connectLink.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-testid="credentials-form"');
    expect(html).toContain('Connecting OpenAI for u_42');
    const form = Browser.parseForm(html, connectLink.url);

    const bad = await browser.request(form.action, { method: 'POST', form: { ...form.fields, apiKey: 'not-a-key' } });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain('does not look right');
    expect(badHtml).not.toContain('not-a-key');

    const done = await browser.request(form.action, { method: 'POST', form: { ...form.fields, apiKey: OPENAI_KEY } });
    expect(done.status).toBe(303);
    const back = new URL(done.headers.get('location')!);
    expect(back.origin + back.pathname).toBe(`${CALLBACK_ORIGIN}/chat/7`);
    expect(Object.fromEntries(back.searchParams)).toEqual({
      tab: 'tools',
      status: 'success',
      connected_account_id: connectedAccount.id,
    });

    const active = (await status.next()).data.connectionStatus;
    expect(active).toMatchObject({ status: 'ACTIVE', statusReason: null, connectedAccount: { id: connectedAccount.id, status: 'ACTIVE' } });
    await status.completed;
    await status.close();

    // Stored encrypted under the account id; readable only with the key ring and that id.
    const row = await app.database.prisma.connectedAccount.findUniqueOrThrow({ where: { id: rawId(connectedAccount.id) } });
    expect(row.encryptedCredentials).not.toContain(OPENAI_KEY);
    expect(row.credentialsKeyId).toBe('test1');
    const ring = KeyRing.parse(TEST_ENCRYPTION_KEYS);
    expect(ring.decryptJson(row.encryptedCredentials!, row.id)).toEqual({ scheme: 'API_KEY', fields: { apiKey: OPENAI_KEY } });
    expect(() => ring.decryptJson(row.encryptedCredentials!, 'another-account')).toThrow('Decryption');

    // The link is single-use.
    const again = await browser.request(connectLink.url);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('data-testid="connect-error"');
  });

  it('rejects a form without the CSRF token of this browser', async () => {
    const { session, clientToken } = await startSession(app, 'u_csrf', ['openai']);
    const { connectLink } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
    const browser = new Browser();
    const form = Browser.parseForm(await (await browser.request(connectLink.url)).text(), connectLink.url);
    const forged = await new Browser().request(form.action, { method: 'POST', form: { ...form.fields, apiKey: OPENAI_KEY } });
    expect(forged.status).toBe(403);
    const tampered = await browser.request(form.action, { method: 'POST', form: { ...form.fields, csrf: 'x', apiKey: OPENAI_KEY } });
    expect(tampered.status).toBe(403);
  });

  it('shows a success page when there is no callbackUrl', async () => {
    const { session, clientToken } = await startSession(app, 'u_page', ['openai']);
    const { connectLink } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
    const browser = new Browser();
    const form = Browser.parseForm(await (await browser.request(connectLink.url)).text(), connectLink.url);
    const done = await browser.request(form.action, { method: 'POST', form: { ...form.fields, apiKey: OPENAI_KEY } });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('data-testid="connect-success"');
  });

  it('expires an unused link, pushes EXPIRED with INITIATION_TIMEOUT and completes', async () => {
    const { session, clientToken } = await startSession(app, 'u_late', ['openai']);
    const { connectLink, connectedAccount } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
    const status = subscribe(wsClient(app.port, clientToken), CONNECTION_STATUS, { connectLinkId: connectLink.id });
    expect((await status.next()).data.connectionStatus.status).toBe('INITIATED');

    // Let the link's time run out rather than waiting ten minutes.
    await app.database.prisma.connectLink.update({ where: { id: rawId(connectLink.id) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = (await status.next()).data.connectionStatus;
    expect(expired).toMatchObject({
      status: 'EXPIRED',
      statusReason: 'INITIATION_TIMEOUT',
      connectedAccount: { id: connectedAccount.id, status: 'EXPIRED' },
    });
    await status.completed;
    await status.close();

    const page = await new Browser().request(connectLink.url);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('Link expired');
  });

  it('streams the same events over Server-Sent Events', async () => {
    const { session, clientToken } = await startSession(app, 'u_sse', ['openai']);
    const { connectLink } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai' });
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${clientToken}` },
      body: JSON.stringify({ query: CONNECTION_STATUS, variables: { connectLinkId: connectLink.id } }),
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let stream = '';
    const readUntil = async (text: string) => {
      while (!stream.includes(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${text}: ${stream}`);
        stream += value;
      }
    };
    await readUntil('"status":"INITIATED"');

    const browser = new Browser();
    const form = Browser.parseForm(await (await browser.request(connectLink.url)).text(), connectLink.url);
    await browser.request(form.action, { method: 'POST', form: { ...form.fields, apiKey: OPENAI_KEY } });
    await readUntil('"status":"ACTIVE"');
    await readUntil('event: complete');
    expect(stream).not.toContain(OPENAI_KEY);
  });

  it('answers unknown links with 404 and no details', async () => {
    const page = await new Browser().request(`${app.url}/link/cl_${'x'.repeat(43)}`);
    expect(page.status).toBe(404);
    const html = await page.text();
    expect(html).toContain('data-testid="connect-error"');
    expect(html).not.toMatch(/at .*\.ts:\d+/);
  });
});
