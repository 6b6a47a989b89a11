import type { Server } from 'node:http';
import type { ExecutionArgs, execute, subscribe } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { PrismaClient } from '../db/index.js';
import type { Principal } from './context.js';
import { authenticate, type Yoga } from './server.js';

// Yoga's envelop wraps execute/subscribe with its plugins; they travel to graphql-ws in
// rootValue so every operation runs through the same plugins as over HTTP.
type EnvelopedExecutionArgs = ExecutionArgs & {
  rootValue: { execute: typeof execute; subscribe: typeof subscribe };
};

interface ConnectionExtra {
  principal?: Principal;
}

/**
 * graphql-ws (`graphql-transport-ws`) on the GraphQL path of the HTTP server. The API key comes
 * in `connectionParams.authorization` and is checked once, when the socket connects: a missing
 * or wrong key closes it with 4403 before any operation runs.
 */
export function attachWebSocketServer(server: Server, yoga: Yoga, prisma: PrismaClient): WebSocketServer {
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
  useServer(
    {
      execute: (args) => (args as EnvelopedExecutionArgs).rootValue.execute(args),
      subscribe: (args) => (args as EnvelopedExecutionArgs).rootValue.subscribe(args),
      onConnect: async (ctx) => {
        try {
          (ctx.extra as ConnectionExtra).principal = await authenticate(
            prisma,
            ctx.connectionParams?.authorization,
          );
          return true;
        } catch {
          return false;
        }
      },
      onSubscribe: async (ctx, _id, params) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          principal: (ctx.extra as ConnectionExtra).principal,
        });
        const document = parse(params.query);
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
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
  return wss;
}
