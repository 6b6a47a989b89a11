import { createHash } from 'node:crypto';
import { GraphQLError, type DocumentNode, type Source } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * How logs name an operation: its name and a hash of its document, never its text. Documents
 * carry inline arguments, secrets included, in shapes no scrubbing recognises (block strings,
 * lines graphql-js cuts in pieces when it prints an error's location).
 */
export interface OperationLabel {
  operation: string | null;
  documentHash: string;
}

// Filled as operations start; keyed by the parsed document's source, which every GraphQL error
// located in that document points to.
const labels = new WeakMap<Source, OperationLabel>();

/** The first 16 hex digits of the document's SHA-256: enough to tell operations apart. */
export function documentHash(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex').slice(0, 16);
}

function remember(document: DocumentNode, operationName: string | null | undefined): void {
  const source = document.loc?.source;
  if (!source || labels.has(source)) return;
  const named = document.definitions.flatMap((d) => (d.kind === 'OperationDefinition' && d.name ? [d.name.value] : []));
  labels.set(source, { operation: operationName ?? named[0] ?? null, documentHash: documentHash(source.body) });
}

/** Records the label of each operation as it starts (HTTP, SSE and WebSocket). */
export function useOperationLabels(): Plugin {
  return {
    onExecute: ({ args }) => remember(args.document, args.operationName),
    onSubscribe: ({ args }) => remember(args.document, args.operationName),
  };
}

/** A GraphQL error as a log may show it: message, code, path and operation, never the source. */
export function graphQLErrorForLog(error: GraphQLError): Record<string, unknown> {
  const label = error.source ? (labels.get(error.source) ?? { operation: null, documentHash: documentHash(error.source.body) }) : undefined;
  return {
    message: error.message,
    ...(error.extensions.code ? { code: error.extensions.code } : {}),
    ...(error.path ? { path: error.path.join('.') } : {}),
    ...label,
  };
}
