import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { PrismaClient } from '../db/index.js';
import { AUTHENTICATION_MESSAGES, authenticateBearer } from '../domain/access/authenticate.js';
import type { DomainDeps } from '../domain/deps.js';
import { DomainError } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import { useAccessWatch, type AccessWatch } from './access-watch.js';
import type { Context, Principal } from './context.js';
import { DEFAULT_GRAPHQL_LIMITS, useOperationLimits, type GraphQLLimits } from './limits.js';
import { schema } from './schema.js';
import { useSessionSubscriptionQuota } from './subscription-quotas.js';

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
export async function authenticate(prisma: PrismaClient, authorization: unknown): Promise<Principal> {
  const result = await authenticateBearer(prisma, authorization);
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
  if (original instanceof GraphQLError) return original;
  logger.error({ err: original }, 'unexpected error while executing an operation');
  return new GraphQLError(message, {
    ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
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
}

export function createGraphQLServer(
  deps: DomainDeps,
  { limits = DEFAULT_GRAPHQL_LIMITS, corsOrigins = ['*'], accessWatch, subscriptionsPerSession = 100 }: GraphQLServerOptions,
): Yoga {
  const { prisma, logger } = deps;
  return createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    // Browsers never send credentials: every call carries its key in the Authorization header,
    // so no other site can ride on a user's cookies, whatever the origin.
    cors: {
      origin: [...corsOrigins],
      credentials: false,
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'accept'],
      maxAge: 600,
    },
    graphiql: { subscriptionsProtocol: 'WS', title: 'Connect server' },
    landingPage: false,
    // 413 with code REQUEST_ENTITY_TOO_LARGE, from Content-Length or while streaming the body.
    maxRequestBodySize: limits.requestBodyBytes,
    plugins: [useOperationLimits(limits), useAccessWatch(accessWatch), useSessionSubscriptionQuota(subscriptionsPerSession)],
    // Unexpected execution errors are logged once, with their stack, by maskError.
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(' ')),
      info: (...args) => logger.info(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      // yoga logs every error maskError replaced, printed with the operation's source (inline
      // arguments included). Those are DomainErrors, answered to the caller and no server
      // fault, or unexpected errors maskError has just logged: neither is logged again.
      error: (...args) => {
        if (args.length === 1 && wasMasked(args[0])) return;
        logger.error(args.map(String).join(' '));
      },
    },
    maskedErrors: { maskError: (error, message) => maskError(error, message, logger) },
    context: async (initial: InitialContext) => ({
      prisma,
      deps,
      // Over WebSocket the operation was authenticated in onSubscribe (websocket.ts).
      principal:
        initial.principal ??
        (await authenticate(prisma, initial.request?.headers.get('authorization'))),
    }),
  });
}
