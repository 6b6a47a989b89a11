// The ceiling for reads: graphql-yoga with its defaults on node:http, serving `toolkit(slug)`
// from memory with the very object our server answered, and nothing else (no database, no
// authentication, no limits). Started by the bench as its own process; prints {"port":N}.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';

const toolkit = JSON.parse(process.env.BARE_YOGA_TOOLKIT ?? 'null') as Record<string, unknown> | null;
if (!toolkit) throw new Error('BARE_YOGA_TOOLKIT must hold the toolkit to serve');

const yoga = createYoga({
  schema: createSchema({
    typeDefs: /* GraphQL */ `
      enum AuthScheme { OAUTH2 OAUTH1 API_KEY BEARER_TOKEN BASIC NO_AUTH }
      type Toolkit {
        id: ID!
        slug: String!
        name: String!
        description: String
        categories: [String!]!
        authSchemes: [AuthScheme!]!
        logoUrl: String
        isCustom: Boolean!
      }
      type Query { toolkit(slug: String!): Toolkit }
    `,
    resolvers: { Query: { toolkit: (_: unknown, args: { slug: string }) => (args.slug === toolkit.slug ? toolkit : null) } },
  }),
  logging: false,
});

const server = createServer(yoga);
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })));
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
