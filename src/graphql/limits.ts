import {
  complexityFromQuery,
  type ComplexityErrorFn,
  type ComplexityErrorKind,
  type ComplexityResult,
} from '@pothos/plugin-complexity';
import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type GraphQLField,
  type OperationDefinitionNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Ceilings on what one request may ask of the server. */
export interface GraphQLLimits {
  /** Nesting of selections; `{ a { b } }` has depth 2. */
  depth: number;
  /** Total selected fields, aliases included (so it also caps alias batching). */
  breadth: number;
  /** Estimated cost: 1 per field, sub-selections multiplied by a connection's page size. */
  complexity: number;
  /** Lexical tokens of the document, checked while parsing, before any validation work. */
  tokens: number;
  /** Bytes of a POST /graphql body and of one WebSocket message. */
  requestBodyBytes: number;
}

/**
 * Enforced by the schema itself (depth, breadth, complexity: @pothos/plugin-complexity wraps
 * the root resolvers) and by the envelop plugin below (tokens, subscriptions), so they hold on
 * HTTP, SSE and WebSocket alike. The current schema is at most 7 levels deep; 12 leaves room.
 */
export const DEFAULT_GRAPHQL_LIMITS: Readonly<GraphQLLimits> = {
  depth: 12,
  breadth: 200,
  complexity: 5_000,
  tokens: 5_000,
  requestBodyBytes: 100 * 1024,
};

/** `extensions.code` of every limit error; `extensions.limit` says which ceiling was hit. */
export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

type LimitKind = 'depth' | 'breadth' | 'complexity' | 'tokens';

// The limits travel in the operation's context, put there by useOperationLimits, so that each
// server (and each test) can have its own while the schema is built once.
const LIMITS_KEY = 'graphqlLimits';

/** The limits of the server running this operation. */
export function limitsOf(ctx: object): GraphQLLimits {
  return (ctx as { [LIMITS_KEY]?: GraphQLLimits })[LIMITS_KEY] ?? DEFAULT_GRAPHQL_LIMITS;
}

function tooComplex(limit: LimitKind, value: number | undefined, max: number): GraphQLError {
  const measured = value === undefined ? `at most ${max}` : `${value}, at most ${max}`;
  return new GraphQLError(`The operation exceeds the ${limit} limit (${measured}). Ask for less in one request.`, {
    extensions: { code: QUERY_TOO_COMPLEX, limit, ...(value === undefined ? {} : { value }), max },
  });
}

/** The plugin's complexityError: a GraphQL error with a code instead of a masked internal error. */
export function complexityError(kind: ComplexityErrorKind, result: ComplexityErrorResult): GraphQLError {
  const limit = kind.toLowerCase() as 'depth' | 'breadth' | 'complexity';
  const max = { depth: result.maxDepth, breadth: result.maxBreadth, complexity: result.maxComplexity }[limit];
  return tooComplex(limit, result[limit], max ?? 0);
}

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;
const LIST_MULTIPLIER = 10;

/**
 * Cost of one field. A Relay connection multiplies its selection by the page it asks for
 * (`first`/`last`, default 20, at most 100), and its `edges` list then counts once, so nested
 * connections cost what they would fetch; `nodes(ids)` multiplies by the ids given; other lists
 * by 10, since their length is not known up front.
 */
export function fieldComplexity(
  args: Record<string, unknown>,
  _ctx: unknown,
  field: GraphQLField<unknown, any, any>,
): { field: number; multiplier: number } {
  const type = getNullableType(field.type);
  const named = getNamedType(type);
  const isConnection = isObjectType(named) && 'edges' in named.getFields() && field.args.some((a) => a.name === 'first');
  if (isConnection) {
    const requested = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : DEFAULT_PAGE_SIZE;
    return { field: 1, multiplier: Math.min(Math.max(requested, 0), MAX_PAGE_SIZE) };
  }
  if (field.name === 'edges' && isListType(type)) return { field: 1, multiplier: 1 };
  if (Array.isArray(args.ids)) return { field: 1, multiplier: args.ids.length };
  return { field: 1, multiplier: isListType(type) ? LIST_MULTIPLIER : 1 };
}

type ComplexityErrorResult = Parameters<ComplexityErrorFn>[1];

// graphql-js 16 words it "more that N tokens"; accept the corrected wording too.
const TOKEN_LIMIT_MESSAGE = /Document contains more tha[nt] \d+ tokens/;

/** The document's selected operation with its fragments, as complexityFromQuery measures the first. */
function selectedOperation(document: DocumentNode, operationName: string | null | undefined): DocumentNode | null {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  if (!operation) return null;
  return { ...document, definitions: [operation, ...document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)] };
}

/**
 * An envelop plugin (so it also runs for graphql-ws, which executes through yoga's envelop):
 * - parses with graphql-js's `maxTokens`, so a huge document is refused before validation;
 * - measures subscriptions before they start: the complexity plugin checks in root resolvers,
 *   which for a subscription run only when an event arrives.
 */
export function useOperationLimits(limits: GraphQLLimits): Plugin<{ [LIMITS_KEY]?: GraphQLLimits }> {
  return {
    onContextBuilding({ extendContext }) {
      extendContext({ [LIMITS_KEY]: limits });
    },
    onParse({ parseFn, setParseFn }) {
      setParseFn((source, options) => {
        try {
          return parseFn(source, { ...options, maxTokens: limits.tokens });
        } catch (error) {
          if (error instanceof Error && TOKEN_LIMIT_MESSAGE.test(error.message)) {
            throw tooComplex('tokens', undefined, limits.tokens);
          }
          throw error;
        }
      });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const document = selectedOperation(args.document, args.operationName);
      if (!document) return;
      let measured: ComplexityResult;
      try {
        measured = complexityFromQuery(document, {
          schema: args.schema,
          ctx: args.contextValue as object,
          variables: (args.variableValues ?? {}) as Record<string, unknown>,
        });
      } catch {
        return; // e.g. bad variables: execution reports them with its usual error
      }
      for (const limit of ['depth', 'breadth', 'complexity'] as const) {
        if (measured[limit] > limits[limit]) {
          setResultAndStopExecution({ errors: [tooComplex(limit, measured[limit], limits[limit])] });
          return;
        }
      }
    },
  };
}
