import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { clientIp } from '../src/connect/rate-limit.js';
import { startTestApp, type TestApp } from './support/app.js';
import { authorizeLink, startSession } from './support/connect.js';
import { createPGliteDatabase } from './support/databases.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function from(ip: string, url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { redirect: 'manual', ...init, headers: { ...init.headers, 'x-forwarded-for': ip } });
}

function fakeRequest(remoteAddress: string, forwardedFor?: string): IncomingMessage {
  return { socket: { remoteAddress }, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} } as unknown as IncomingMessage;
}

describe('rate limits on the hosted pages and the OAuth routes', () => {
  let app: TestApp;
  let linkUrl: string;

  beforeAll(async () => {
    app = await startTestApp(
      await createPGliteDatabase(),
      { TRUST_PROXY: '1' },
      { rateLimits: { link: { points: 3, durationSeconds: 60 }, connect: { points: 2, durationSeconds: 60 } } },
    );
    const { session, clientToken } = await startSession(app, 'u_rate', ['openai']);
    ({ connectLink: { url: linkUrl } } = await authorizeLink(app, clientToken, { sessionId: session.id, toolkit: 'openai' }));
  });
  afterAll(() => app?.stop());

  it('answers 429 with retry-after and a friendly page once a client exceeds the link limit; other clients go on', async () => {
    for (let i = 0; i < 3; i++) expect((await from('203.0.113.1', linkUrl)).status).toBe(200);
    const limited = await from('203.0.113.1', linkUrl);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(limited.headers.get('cache-control')).toBe('no-store');
    const html = await limited.text();
    expect(html).toContain('data-testid="connect-error"');
    expect(html).toContain('Too many requests');

    // Unknown tokens count as well: guessing links is limited like using them.
    expect((await from('203.0.113.1', `${app.url}/link/cl_guess`)).status).toBe(429);
    // Another client is unaffected, and so is the API.
    expect((await from('203.0.113.2', linkUrl)).status).toBe(200);
    expect((await from('203.0.113.2', `${app.url}/link/cl_guess`)).status).toBe(404);
    expect((await app.gql('{ project { id } }')).errors).toBeUndefined();
  });

  it('limits the OAuth routes, callbacks included, separately', async () => {
    const callback = `${app.url}/connect/oauth2/callback?code=x&state=y`;
    // Not this browser's flow (400), but counted.
    expect((await from('198.51.100.7', `${app.url}/connect/oauth2`)).status).toBe(400);
    expect((await from('198.51.100.7', callback)).status).toBe(400);
    const limited = await from('198.51.100.7', callback);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    // The hosted pages keep their own budget.
    expect((await from('198.51.100.7', linkUrl)).status).toBe(200);
  });

  it('believes X-Forwarded-For only with TRUST_PROXY, and only the hop the proxy appended', () => {
    expect(loadConfig({}).trustProxy).toBeUndefined();
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBeUndefined();
    expect(() => loadConfig({ TRUST_PROXY: 'yes' })).toThrow('Invalid environment variable TRUST_PROXY');

    expect(clientIp(fakeRequest('10.0.0.5', '1.2.3.4'), undefined)).toBe('10.0.0.5');
    // The client wrote "1.2.3.4"; the proxy appended the address it saw.
    expect(clientIp(fakeRequest('10.0.0.5', '1.2.3.4, 203.0.113.9'), 1)).toBe('203.0.113.9');
    expect(clientIp(fakeRequest('10.0.0.5', '1.2.3.4, 203.0.113.9, 10.0.0.2'), 2)).toBe('203.0.113.9');
    expect(clientIp(fakeRequest('10.0.0.5'), 1)).toBe('10.0.0.5');
    expect(clientIp(fakeRequest('10.0.0.5', 'garbage'), 1)).toBe('10.0.0.5');
  });
});

describe('rate limits without TRUST_PROXY', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase(), {}, { rateLimits: { link: { points: 2, durationSeconds: 60 } } });
  });
  afterAll(() => app?.stop());

  it('ignores X-Forwarded-For: changing it does not reset the budget', async () => {
    const statuses = [];
    for (const ip of ['1.1.1.1', '2.2.2.2', '3.3.3.3']) statuses.push((await from(ip, `${app.url}/link/cl_unknown`)).status);
    expect(statuses).toEqual([404, 404, 429]);
  });
});

describe('hosted rate limits from the environment', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(await createPGliteDatabase(), { RATE_LIMIT_LINK_PER_MINUTE: '2', RATE_LIMIT_CONNECT_PER_MINUTE: '1' });
  });
  afterAll(() => app?.stop());

  it('defaults to 120 per minute on both routes, room for an office behind one address', () => {
    expect(loadConfig({}).hostedRateLimits).toEqual({ linkPerMinute: 120, connectPerMinute: 120 });
    expect(loadConfig({ RATE_LIMIT_LINK_PER_MINUTE: '600' }).hostedRateLimits.linkPerMinute).toBe(600);
    expect(() => loadConfig({ RATE_LIMIT_LINK_PER_MINUTE: '0' })).toThrow('Invalid environment variable RATE_LIMIT_LINK_PER_MINUTE: must be at least 1');
    expect(() => loadConfig({ RATE_LIMIT_CONNECT_PER_MINUTE: 'lots' })).toThrow(
      'Invalid environment variable RATE_LIMIT_CONNECT_PER_MINUTE: must be a whole number',
    );
  });

  it('applies RATE_LIMIT_LINK_PER_MINUTE and RATE_LIMIT_CONNECT_PER_MINUTE', async () => {
    const links = [];
    for (let i = 0; i < 3; i++) links.push((await fetch(`${app.url}/link/cl_unknown`)).status);
    expect(links).toEqual([404, 404, 429]);
    const callbacks = [];
    for (let i = 0; i < 2; i++) callbacks.push((await fetch(`${app.url}/connect/oauth2/callback?code=x&state=y`, { redirect: 'manual' })).status);
    expect(callbacks).toEqual([400, 429]);
  });
});

describe('rate limits shared through Redis', () => {
  const apps: TestApp[] = [];
  // A fresh key per run: counters in Redis outlive the test.
  const key = `test-${randomBytes(8).toString('hex')}`;

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      apps.push(
        await startTestApp(await createPGliteDatabase(), { REDIS_URL }, {
          rateLimits: { link: { points: 3, durationSeconds: 60 }, keyOf: () => key },
        }),
      );
    }
  });
  afterAll(async () => {
    for (const app of apps) await app.stop();
  });

  it('counts a client across instances', async () => {
    const [a, b] = apps as [TestApp, TestApp];
    const statuses = [];
    for (const app of [a, b, a, b]) statuses.push((await fetch(`${app.url}/link/cl_unknown`)).status);
    expect(statuses).toEqual([404, 404, 404, 429]);
  });
});
