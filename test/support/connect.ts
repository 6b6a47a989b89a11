import { parsePublicId } from '../../src/domain/public-ids.js';
import { expect } from 'vitest';
import type { TestApp } from './app.js';

export const CREATE_SESSION = /* GraphQL */ `
  mutation CreateSession($input: CreateSessionInput!) {
    createSession(input: $input) { session { id userId } clientToken }
  }
`;

export const AUTHORIZE = /* GraphQL */ `
  mutation Authorize($input: AuthorizeInput!) {
    authorize(input: $input) {
      connectLink { id url expiresAt status }
      connectedAccount { id status }
    }
  }
`;

export const CALLBACK_ORIGIN = 'https://chat.example.com';

/** Allows the chat's origin as callbackUrl target and starts a session for `userId`. */
export async function startSession(app: Pick<TestApp, 'gql'>, userId: string, toolkits?: string[]) {
  const project = await app.gql(
    `mutation($origins: [String!]) { updateProject(input: { allowedCallbackOrigins: $origins }) { project { id } } }`,
    { origins: [CALLBACK_ORIGIN] },
  );
  expect(project.errors).toBeUndefined();
  const created = await app.gql(CREATE_SESSION, { input: { userId, toolkits } });
  expect(created.errors).toBeUndefined();
  return created.data!.createSession as { session: { id: string }; clientToken: string };
}

/** authorize, as the chat UI would, with the session client token. */
export async function authorizeLink(app: Pick<TestApp, 'gql'>, token: string, input: Record<string, unknown>) {
  const result = await app.gql(AUTHORIZE, { input }, token);
  expect(result.errors).toBeUndefined();
  return result.data!.authorize as {
    connectLink: { id: string; url: string; expiresAt: string; status: string };
    connectedAccount: { id: string; status: string };
  };
}

/** The raw id inside a Relay global ID. */
export function rawId(globalId: string): string {
  return parsePublicId(globalId).id;
}

/** A custom API-key toolkit `slug` whose API lives at `apiBaseUrl`, the key going in the `X-Api-Key` header. */
export async function createKeyApiToolkit(app: Pick<TestApp, 'gql'>, slug: string, apiBaseUrl: string): Promise<void> {
  const created = await app.gql(`mutation($input: CreateToolkitInput!) { createToolkit(input: $input) { toolkit { slug } } }`, {
    input: {
      slug,
      name: slug,
      authScheme: 'API_KEY',
      apiBaseUrl,
      fields: [{ name: 'apiKey', label: 'API key', secret: true }],
      apiAuth: { headers: [{ name: 'X-Api-Key', value: '{apiKey}' }] },
    },
  });
  expect(created.errors).toBeUndefined();
}
