import { expect } from 'vitest';
import type { TestApp } from './app.js';

export const IMPORT = /* GraphQL */ `
  mutation Import($input: ImportConnectedAccountInput!) {
    importConnectedAccount(input: $input) {
      created
      connectedAccount { id status statusReason alias userId scopes tokenExpiresAt nextRefreshAt authScheme providerAccount { id email name } }
    }
  }
`;

/** An auth config for an API-key toolkit (no client credentials): its global id. */
export async function createKeyAuthConfig(app: Pick<TestApp, 'gql'>, toolkit: string): Promise<string> {
  const result = await app.gql(
    `mutation($input: CreateAuthConfigInput!) { createAuthConfig(input: $input) { authConfig { id authScheme } } }`,
    { input: { toolkit, name: `${toolkit} keys` } },
  );
  expect(result.errors).toBeUndefined();
  return result.data!.createAuthConfig.authConfig.id;
}

/** The first auth config of a toolkit: its global id. */
export async function authConfigOf(app: Pick<TestApp, 'gql'>, toolkit: string): Promise<string> {
  const result = await app.gql(`query($t: String) { authConfigs(toolkit: $t, first: 1) { edges { node { id } } } }`, { t: toolkit });
  expect(result.errors).toBeUndefined();
  return result.data!.authConfigs.edges[0].node.id;
}
