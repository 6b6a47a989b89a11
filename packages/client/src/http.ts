import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
import { GraphQLRequestError, type GraphQLErrorEntry } from './errors.js';

/** A typed document (generated) or a plain query string (untyped). */
export type Operation<Result, Variables> = DocumentTypeDecoration<Result, Variables> | string;

export interface HttpOptions {
  endpoint: string;
  token: string;
  fetch: typeof fetch;
}

/** POSTs one operation to /graphql; resolves with `data`, rejects with GraphQLRequestError. */
export async function postOperation<Result, Variables>(
  options: HttpOptions,
  operation: Operation<Result, Variables>,
  variables?: Variables,
  signal?: AbortSignal,
): Promise<Result> {
  const response = await options.fetch(options.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      authorization: `Bearer ${options.token}`,
    },
    body: JSON.stringify({ query: String(operation), variables: variables ?? {} }),
    signal,
  });
  let body: { data?: Result | null; errors?: GraphQLErrorEntry[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new GraphQLRequestError([], response.status);
  }
  if (body.errors?.length) throw new GraphQLRequestError(body.errors, response.status);
  if (!response.ok || body.data == null) throw new GraphQLRequestError([], response.status);
  return body.data;
}
