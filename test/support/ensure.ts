import { expect } from 'vitest';
import type { TestApp } from './app.js';
import { Browser } from './browser.js';

export const ENSURE_CONNECTION = /* GraphQL */ `
  mutation Ensure($input: EnsureConnectionInput!) {
    ensureConnection(input: $input) {
      status
      message
      connectedAccount { id status }
      connectLink { id url expiresAt }
    }
  }
`;

export interface Ensured {
  status: 'ACTIVE' | 'INITIATED';
  message: string;
  connectedAccount: { id: string; status: string };
  connectLink: { id: string; url: string; expiresAt: string } | null;
}

/** ensureConnection with the given key or session client token; fails the test on errors. */
export async function ensure(app: Pick<TestApp, 'gql'>, token: string, input: Record<string, unknown>): Promise<Ensured> {
  const result = await app.gql(ENSURE_CONNECTION, { input }, token);
  expect(result.errors).toBeUndefined();
  return result.data!.ensureConnection as Ensured;
}

/** Completes an API-key toolkit's hosted form (the catalog's `openai`) at `url`. */
export async function submitApiKeyForm(url: string): Promise<void> {
  const browser = new Browser();
  const form = Browser.parseForm(await (await browser.request(url)).text(), url);
  const done = await browser.request(form.action, {
    method: 'POST',
    form: { ...form.fields, apiKey: 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCDEF' },
  });
  expect(done.status).toBe(200);
}
