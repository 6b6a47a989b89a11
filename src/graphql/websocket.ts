import type { Server } from 'node:http';
import { getOperationAST, GraphQLError, type DocumentNode, type ExecutionArgs, type execute, type subscribe } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { DomainDeps } from '../domain/deps.js';
import type { Logger } from '../logger.js';
import type { AccessWatch } from './access-watch.js';
import type { Principal } from './context.js';
import { DEFAULT_GRAPHQL_LIMITS, type GraphQLLimits } from './limits.js';
import { authenticate, type Yoga } from './server.js';
import { quotaExceeded } from './subscription-quotas.js';

// Yoga's envelop wraps execute/subscribe with its plugins; they travel to graphql-ws in
// rootValue so every operation runs through the same plugins as over HTTP.
type EnvelopedExecutionArgs = ExecutionArgs & {
  rootValue: { execute: typeof execute; subscribe: typeof subscribe };
};

const FORBIDDEN = 4403;

/**
 * graphql-ws (`graphql-transport-ws`) on the GraphQL path of the HTTP server. The API key comes
 * in `connectionParams.authorization` and is checked when the socket connects (a missing or
 * wrong key closes it with 4403 before any operation runs), again for every operation, and
 * every few seconds while the socket is open, so a revoked key or an expired session client
 * token stops working on open sockets too. One socket holds at most `subscriptionsPerSocket`
 * subscriptions at once; more are answered with QUOTA_EXCEEDED, the socket stays open.
 */
export function attachWebSocketServer(
  server: Server,
  yoga: Yoga,
  {
    deps,
    accessWatch,
    logger,
    limits = DEFAULT_GRAPHQL_LIMITS,
    subscriptionsPerSocket = 50,
  }: {
    /** Authenticates each socket's credential, as HTTP requests are. */
    deps: Pick<DomainDeps, 'prisma' | 'readCache'>;
    accessWatch: AccessWatch;
    logger: Logger;
    limits?: GraphQLLimits;
    /** Subscriptions one socket may hold open at once, whoever its credential belongs to. */
    subscriptionsPerSocket?: number;
  },
): WebSocketServer {
  // A message over maxPayload closes the socket with 1009 (Message Too Big) before it is parsed.
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: limits.requestBodyBytes });
  // Each socket's access is watched while it is open: a revoked key or an ended session closes it.
  const unwatch = new Map<WebSocket, () => void>();
  // Ids of each socket's subscription operations; those graphql-ws no longer runs are done.
  const subscriptionIds = new WeakMap<WebSocket, Set<string>>();
  useServer(
    {
      execute: (args) => (args as EnvelopedExecutionArgs).rootValue.execute(args),
      subscribe: (args) => (args as EnvelopedExecutionArgs).rootValue.subscribe(args),
      onConnect: async (ctx) => {
        try {
          const principal = await authenticate(deps, ctx.connectionParams?.authorization);
          const socket = ctx.extra.socket;
          // Closed while authenticating: onClose has run already and would never unwatch.
          if (socket.readyState !== socket.OPEN) return false;
          unwatch.set(socket, accessWatch.watch(principal, () => socket.close(FORBIDDEN, 'Forbidden')));
          // graphql-ws keeps the upgrade request (its headers) for the socket's whole life;
          // nothing reads it after this (the credential travels in connectionParams), and
          // letting it go saves about 1.3 KiB of every open chat's socket.
          (ctx.extra as { request?: unknown }).request = undefined;
          return true;
        } catch {
          return false;
        }
      },
      onClose: (ctx) => {
        unwatch.get(ctx.extra.socket)?.();
        unwatch.delete(ctx.extra.socket);
      },
      onSubscribe: async (ctx, id, params) => {
        let principal: Principal;
        try {
          principal = await authenticate(deps, ctx.connectionParams?.authorization);
        } catch (error) {
          // Revoked (or expired) since the socket connected: refuse, then end the connection.
          setImmediate(() => ctx.extra.socket.close(FORBIDDEN, 'Forbidden'));
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          socket: ctx.extra.socket,
          params,
          principal,
        });
        // A syntax error (or too many tokens) is the client's fault: answer it as an error
        // message on this operation instead of letting graphql-ws close the socket with 4500.
        let document: DocumentNode;
        try {
          document = parse(params.query);
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        if (getOperationAST(document, params.operationName)?.operation === 'subscription') {
          const socket = ctx.extra.socket;
          const ids = subscriptionIds.get(socket) ?? new Set<string>();
          subscriptionIds.set(socket, ids);
          for (const openId of ids) if (!(openId in ctx.subscriptions)) ids.delete(openId);
          if (ids.size >= subscriptionsPerSocket) {
            return [
              quotaExceeded(
                `A WebSocket may hold ${subscriptionsPerSocket} open subscriptions; complete one first or open another socket.`,
                subscriptionsPerSocket,
              ),
            ];
          }
          ids.add(id);
        }
        const args: EnvelopedExecutionArgs = {
          schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        return args;
      },
    },
    wss,
  );
  // Registered after graphql-ws's own listener, which prints socket errors with console.error.
  // They are the client's doing (a message over maxPayload, a malformed frame) and ws closes the
  // socket itself with the right code, so they belong in the structured log, quietly.
  wss.on('connection', (socket) => {
    socket.removeAllListeners('error');
    socket.on('error', (error: Error & { code?: string }) => {
      logger.debug({ code: error.code, message: error.message }, 'websocket closed on a protocol error');
    });
  });
  return wss;
}
