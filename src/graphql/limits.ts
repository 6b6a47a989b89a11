import { createHash } from 'node:crypto';
import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  GraphQLError,
  isInterfaceType,
  isIntrospectionType,
  isListType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
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
 * Enforced by the envelop plugin below, before any resolver runs, so they hold on HTTP, SSE and
 * WebSocket alike. The current schema is at most 7 levels deep. The introspection query GraphiQL
 * and code generators send (graphql-js's getIntrospectionQuery) is 15 levels deep, through its
 * `ofType` chain, and selects about 230 fields: every field counts, so the defaults fit it.
 */
export const DEFAULT_GRAPHQL_LIMITS: Readonly<GraphQLLimits> = {
  depth: 16,
  breadth: 300,
  complexity: 5_000,
  tokens: 5_000,
  requestBodyBytes: 100 * 1024,
};

/** `extensions.code` of every limit error; `extensions.limit` says which ceiling was hit. */
export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

type LimitKind = 'depth' | 'breadth' | 'complexity' | 'tokens';

function tooComplex(limit: LimitKind, value: number | undefined, max: number): GraphQLError {
  const measured = value === undefined ? `at most ${max}` : `${value}, at most ${max}`;
  return new GraphQLError(`The operation exceeds the ${limit} limit (${measured}). Ask for less in one request.`, {
    extensions: { code: QUERY_TOO_COMPLEX, limit, ...(value === undefined ? {} : { value }), max },
  });
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
export function fieldComplexity(args: Record<string, unknown>, field: GraphQLField<unknown, unknown>): { field: number; multiplier: number } {
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

/** What an operation asks of the server; see GraphQLLimits. */
export interface OperationCost {
  depth: number;
  breadth: number;
  complexity: number;
}

interface Measuring {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  // A fragment used many times is measured once per parent type; documents have passed
  // validation (no cycles, no unknown fields) before they are measured.
  measured: Map<SelectionSetNode, Map<GraphQLNamedType, OperationCost>>;
}

/** The field a selection names, meta fields (`__schema`, `__type`, `__typename`) included. */
function fieldOf(m: Measuring, parent: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (parent === m.schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

/**
 * The field's arguments, or none when they cannot be read (a null variable for a non-null
 * argument): execution then fails that field alone, so its siblings are still measured.
 */
function argumentsOf(m: Measuring, field: GraphQLField<unknown, unknown>, node: FieldNode): Record<string, unknown> {
  try {
    return getArgumentValues(field, node, m.variables);
  } catch {
    return {};
  }
}

function measureSelectionSet(m: Measuring, selectionSet: SelectionSetNode, parent: GraphQLNamedType): OperationCost {
  const cached = m.measured.get(selectionSet)?.get(parent);
  if (cached) return cached;
  const cost: OperationCost = { depth: 0, breadth: 0, complexity: 0 };
  for (const selection of selectionSet.selections) {
    let part: OperationCost;
    if (selection.kind === Kind.FIELD) {
      const field = fieldOf(m, parent, selection.name.value);
      if (!field) continue;
      // Introspection fields cost 1, their lists not multiplied: their length is the schema's, and
      // so the introspection query of tools costs its breadth. graphql-js's validation already
      // refuses member lists nested three deep (`fields { type { fields { type { fields …`).
      const introspection = isIntrospectionType(parent) || isIntrospectionType(getNamedType(field.type));
      const { field: own, multiplier } = introspection
        ? { field: 1, multiplier: 1 }
        : fieldComplexity(argumentsOf(m, field, selection), field);
      const sub = selection.selectionSet
        ? measureSelectionSet(m, selection.selectionSet, getNamedType(field.type))
        : { depth: 0, breadth: 0, complexity: 0 };
      part = { depth: 1 + sub.depth, breadth: 1 + sub.breadth, complexity: own + sub.complexity * Math.max(multiplier, 0) };
    } else {
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? m.fragments.get(selection.name.value) : selection;
      if (!fragment) continue;
      const typeName = fragment.typeCondition?.name.value;
      const type = typeName ? (m.schema.getType(typeName) ?? parent) : parent;
      part = measureSelectionSet(m, fragment.selectionSet, type);
    }
    cost.depth = Math.max(cost.depth, part.depth);
    cost.breadth += part.breadth;
    cost.complexity += part.complexity;
  }
  if (!m.measured.has(selectionSet)) m.measured.set(selectionSet, new Map());
  m.measured.get(selectionSet)!.set(parent, cost);
  return cost;
}

/**
 * Depth, breadth and complexity of the operation a request runs, counting every selected field:
 * meta fields and everything under them too. Null when there is no such operation, or when its
 * variables are invalid: execution then refuses the whole operation with its usual error.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): OperationCost | null {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return null;
  // Coerced as execution will coerce them, defaults included, so `first: $n` costs what it fetches.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (coerced.errors) return null;
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  return measureSelectionSet({ schema, fragments, variables: coerced.coerced, measured: new Map() }, operation.selectionSet, root);
}

/** The first limit the operation exceeds, as the error to answer with. */
function exceeded(cost: OperationCost, limits: GraphQLLimits): GraphQLError | undefined {
  for (const limit of ['depth', 'breadth', 'complexity'] as const) {
    if (cost[limit] > limits[limit]) return tooComplex(limit, cost[limit], limits[limit]);
  }
  return undefined;
}

// graphql-js 16 words it "more that N tokens"; accept the corrected wording too.
const TOKEN_LIMIT_MESSAGE = /Document contains more tha[nt] \d+ tokens/;

/**
 * An envelop plugin, so it also runs for graphql-ws and SSE, which execute through yoga's envelop:
 * - parses with graphql-js's `maxTokens`, so a huge document is refused before validation;
 * - measures every query, mutation and subscription before it runs, and refuses it whole when
 *   it is over a limit: nothing is resolved, nothing changed, nothing subscribed.
 */
export function useOperationLimits(limits: GraphQLLimits): Plugin {
  // The cost of a document depends only on it, the operation chosen and the variables (page sizes): yoga hands the
  // same parsed document to every request sending it, so each combination is measured once.
  const costs = new WeakMap<DocumentNode, Map<string, OperationCost | null>>();
  const costOf = (args: LimitedExecution['args']) => {
    let byInput = costs.get(args.document);
    if (!byInput) costs.set(args.document, (byInput = new Map()));
    const measure = () => measureOperation(args.schema, args.document, args.operationName, args.variableValues);
    const input = `${args.operationName ?? ''}\n${JSON.stringify(args.variableValues ?? {})}`;
    // Variables differ per request (ids, inputs): small ones only, and a bounded number per document.
    if (input.length > 2_048) return measure();
    // Variables carry secrets (client secrets, API keys): the cache keeps only a digest of them.
    const key = createHash('sha256').update(input).digest('base64');
    if (byInput.has(key)) return byInput.get(key)!;
    const cost = measure();
    if (byInput.size >= 64) byInput.clear();
    byInput.set(key, cost);
    return cost;
  };
  const check = ({ args, setResultAndStopExecution }: LimitedExecution) => {
    const cost = costOf(args);
    const error = cost && exceeded(cost, limits);
    if (error) setResultAndStopExecution({ errors: [error] });
  };
  return {
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
    onExecute: check,
    onSubscribe: check,
  };
}

interface LimitedExecution {
  args: {
    schema: GraphQLSchema;
    document: DocumentNode;
    operationName?: string | null;
    variableValues?: Readonly<Record<string, unknown>> | null;
  };
  setResultAndStopExecution(result: { errors: GraphQLError[] }): void;
}
