import type { IncomingMessage, ServerResponse } from 'node:http';
import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { AUTHENTICATION_MESSAGES, authenticateBearer } from '../domain/access/authenticate.js';
import type { DomainDeps } from '../domain/deps.js';
import { DomainError } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import { useAccessWatch, type AccessWatch } from './access-watch.js';
import type { Context, Principal } from './context.js';
import { graphiqlOptions } from './graphiql.js';
import { useStorableText } from './input-text.js';
import { graphQLErrorForLog, useOperationLabels } from './operation-log.js';
import { DEFAULT_GRAPHQL_LIMITS, useOperationLimits, type GraphQLLimits } from './limits.js';
import { schema } from './schema.js';
import { useSessionSubscriptionQuota } from './subscription-quotas.js';
import { useRequestBodyLimit } from './body-limit.js';

export interface ServerContext {
  req: IncomingMessage;
  res: ServerResponse;
}

/** What yoga hands the context factory: a Fetch request over HTTP, connection params over WS. */
interface InitialContext {
  request?: Request;
  connectionParams?: Record<string, unknown>;
  principal?: Principal;
}

export type Yoga = YogaServerInstance<ServerContext, Context>;

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

/**
 * Resolves the caller, or throws UNAUTHENTICATED. Every operation needs a credential, including
 * introspection: the schema is for the developers of a project, not for anyone on the network.
 */
export async function authenticate(deps: Pick<DomainDeps, 'prisma' | 'readCache'>, authorization: unknown): Promise<Principal> {
  const result = await authenticateBearer(deps, authorization);
  if (!result.ok) throw unauthenticated(AUTHENTICATION_MESSAGES[result.reason]);
  return result.caller;
}

/** Turns domain failures into GraphQL errors with a code; hides everything unexpected. */
function maskError(error: unknown, message: string, logger: Logger): Error {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof DomainError) {
    return new GraphQLError(original.message, {
      ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
      extensions: {
        code: original.code,
        ...(original.issues.length > 0 ? { issues: original.issues } : {}),
        ...original.details,
      },
    });
  }
  // The relay plugin's check that an ID names the expected type: the caller's mistake.
  if (original instanceof PothosValidationError) {
    return new GraphQLError(original.message, {
      ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
      extensions: { code: 'BAD_USER_INPUT', issues: [{ path: '', message: original.message }] },
    });
  }
  if (original instanceof GraphQLError) return original;
  const where = error instanceof GraphQLError ? graphQLErrorForLog(error) : {};
  logger.error({ ...where, err: original }, 'unexpected error while executing an operation');
  return new GraphQLError(message, {
    ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
}

/** One of yoga's log calls, as a structured line: errors by their fields, GraphQL ones without source. */
function log(logger: Logger, level: 'debug' | 'info' | 'warn' | 'error', args: unknown[]): void {
  const errors = args.filter((arg) => arg instanceof Error);
  const text = args.filter((arg) => !(arg instanceof Error)).map(String).join(' ');
  if (errors.length === 0) return logger[level](text);
  const [first] = errors;
  const fields = first instanceof GraphQLError ? graphQLErrorForLog(first) : { err: first };
  logger[level](fields, text || (first as Error).message);
}

/** Whether maskError turned this error into another one (see maskError). */
function wasMasked(error: unknown): boolean {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  return original instanceof Error && !(original instanceof GraphQLError);
}

export interface GraphQLServerOptions {
  limits?: GraphQLLimits;
  /** Origins browsers may call from; `['*']` (the default) allows any. */
  corsOrigins?: readonly string[];
  /** Ends subscriptions whose key is revoked or whose session ends. */
  accessWatch: AccessWatch;
  /** Subscriptions one session client token may hold open at once on this instance (default 100). */
  subscriptionsPerSession?: number;
  /** Serves GraphiQL to browsers at the endpoint (default true). */
  graphiql?: boolean;
}

export function createGraphQLServer(
  deps: DomainDeps,
  { limits = DEFAULT_GRAPHQL_LIMITS, corsOrigins = ['*'], accessWatch, subscriptionsPerSession = 100, graphiql: graphiqlEnabled = true }: GraphQLServerOptions,
): Yoga {
  const { prisma, logger } = deps;
  const graphqlEndpoint = '/graphql';
  const graphiql = graphiqlOptions(graphiqlEnabled, graphqlEndpoint);
  return createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint,
    // Browsers never send credentials: every call carries its key in the Authorization header,
    // so no other site can ride on a user's cookies, whatever the origin.
    cors: {
      origin: [...corsOrigins],
      credentials: false,
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'accept'],
      maxAge: 600,
    },
    graphiql: graphiql.graphiql,
    renderGraphiQL: graphiql.renderGraphiQL,
    landingPage: false,
    // 413 with code REQUEST_ENTITY_TOO_LARGE, from Content-Length or while streaming the body:
    // useRequestBodyLimit, last among the plugins so that it wraps the parser yoga chose.
    maxRequestBodySize: false,
    plugins: [
      useOperationLabels(),
      useOperationLimits(limits),
      useStorableText(),
      useAccessWatch(accessWatch),
      useSessionSubscriptionQuota(subscriptionsPerSession),
      graphiql.plugin,
      useRequestBodyLimit(limits.requestBodyBytes),
    ],
    // Unexpected execution errors are logged once, with their stack, by maskError. Nothing
    // yoga logs is printed with String(): a printed GraphQL error quotes the operation's source.
    logging: {
      debug: (...args) => log(logger, 'debug', args),
      info: (...args) => log(logger, 'info', args),
      warn: (...args) => log(logger, 'warn', args),
      // yoga logs every error maskError replaced: DomainErrors, answered to the caller and no
      // server fault, or unexpected errors maskError has just logged (neither is logged again),
      // and GraphQL errors thrown in resolvers (FORBIDDEN...), answered to the caller: debug.
      error: (...args) => {
        if (args.length === 1 && wasMasked(args[0])) return;
        if (args.length === 1 && args[0] instanceof GraphQLError) {
          logger.debug(graphQLErrorForLog(args[0]), 'operation failed');
          return;
        }
        log(logger, 'error', args);
      },
    },
    maskedErrors: { maskError: (error, message) => maskError(error, message, logger) },
    context: async (initial: InitialContext) => ({
      prisma,
      deps,
      // Over WebSocket the operation was authenticated in onSubscribe (websocket.ts).
      principal:
        initial.principal ??
        (await authenticate(deps, initial.request?.headers.get('authorization'))),
    }),
  });
}
