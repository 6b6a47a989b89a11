import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { WebSocketServer } from 'ws';
import type { Config } from './config.js';
import { createConnectRoutes } from './connect/index.js';
import { createHostedRateLimiter, hostedRateLimitsOf, type HostedRateLimitOptions } from './connect/rate-limit.js';
import { openDatabase, type Database, type DatabaseTarget } from './db/index.js';
import { readTemplate, templateFile } from './db/pglite-template.js';
import { createRefresher, DEFAULT_REFRESH_TIMINGS, type RefreshTimings } from './domain/connections/refresh.js';
import { createStatusWatch, STATUS_CHECK_MS, type StatusWatch } from './domain/connections/status-watch.js';
import type { CoreDeps, DomainDeps } from './domain/deps.js';
import {
  createWebhookDelivery,
  DEFAULT_WEBHOOK_DELIVERY_POLICY,
  type WebhookDeliveryPolicy,
} from './domain/events/webhook-delivery.js';
import { loadKeyRing, type KeyRingFallback } from './domain/crypto/encryption.js';
import { bootstrapDefaultProject } from './domain/access/projects.js';
import { catalogFingerprint, syncCatalog } from './domain/toolkits/catalog-sync.js';
import { createSessionQuotas } from './domain/access/quotas.js';
import { createEgress, type Egress } from './egress/index.js';
import { createEventBus, type EventBus } from './events/bus.js';
import { createReadCache, type ReadCacheOptions } from './domain/access/read-cache.js';
import { createPublishedMarks } from './domain/events/outbox.js';
import { createSharedCounters, type SharedCounters } from './events/counters.js';
import { DEFAULT_GRAPHQL_LIMITS, type GraphQLLimits } from './graphql/limits.js';
import { createAccessWatch, type AccessWatch } from './graphql/access-watch.js';
import { createGraphQLServer } from './graphql/server.js';
import { attachWebSocketServer } from './graphql/websocket.js';
import { healthRoutes } from './http/health.js';
import { logoRoutes } from './http/logos.js';
import { createMcpRoutes } from './mcp/http.js';
import { createLogger, type Logger } from './logger.js';
import { DEFAULT_SWEEPER_TIMINGS, startSweeper } from './sweeper.js';

export interface StartedApp {
  port: number;
  /** Base of every link and redirect URI: PUBLIC_URL, or derived from the port. */
  publicUrl: string;
  /** A key created by this start (first start without ADMIN_API_KEY); shown once, never stored. */
  createdApiKey: string | undefined;
  database: Database;
  deps: DomainDeps;
}

export interface App {
  start(port?: number): Promise<StartedApp>;
  stop(): Promise<void>;
}

/**
 * How the app is put together beyond the environment: tests and the benchmark use these to run
 * against an in-memory database and to shorten every wait; production uses the defaults.
 */
export interface AppOptions {
  logger?: Logger;
  /** Overrides where data lives (tests use PGlite in memory); defaults to what config says. */
  database?: DatabaseTarget;
  /** Overrides how outbound connections are opened (tests send provider hosts to a loopback double); default: EGRESS_ALLOW_PRIVATE's policy. */
  egress?: Egress;
  /** How often expired links are swept and stranded events re-published (default 5 s). */
  sweepIntervalMs?: number;
  /** How long an unpublished event waits before the sweeper relays it (default 5 s). */
  relayAfterMs?: number;
  /** How long a transaction waits for a database connection before the request answers 503 (default 30 s). */
  transactionMaxWaitMs?: number;
  /** How long read-cache entries may be served at most, and how many are kept (default 30 s, 50,000). */
  readCache?: ReadCacheOptions;
  /** How often rows past their retention are deleted (default 1 min; a bounded batch each time). */
  retentionIntervalMs?: number;
  /** How often open WebSockets and SSE streams are checked for revoked keys and ended sessions (default 5 s). */
  accessCheckIntervalMs?: number;
  /** How often open status subscriptions are compared with the database, in case an event was missed (default 15 s). */
  statusCheckIntervalMs?: number;
  /** Webhook retries, timeouts and batch size. */
  webhookDelivery?: Partial<WebhookDeliveryPolicy>;
  /** Token refresh margins, backoff and claim lease. */
  refresh?: Partial<RefreshTimings>;
  /** Depth, breadth, complexity, token and body-size ceilings of GraphQL requests. */
  graphqlLimits?: Partial<GraphQLLimits>;
  /** Per-client limits on the hosted pages and the OAuth routes (default: RATE_LIMIT_LINK_PER_MINUTE, RATE_LIMIT_CONNECT_PER_MINUTE). */
  rateLimits?: Partial<HostedRateLimitOptions>;
}

export function databaseTargetOf(config: Config): DatabaseTarget {
  return config.databaseUrl
    ? { kind: 'postgres', url: config.databaseUrl }
    : { kind: 'pglite', dataDir: config.dataDir };
}

function keyRingFallbackOf(target: DatabaseTarget): KeyRingFallback {
  if (target.kind === 'postgres') return { kind: 'refuse' };
  return target.kind === 'pglite' ? { kind: 'data-dir', dataDir: target.dataDir } : { kind: 'memory' };
}

/**
 * The composition root: one HTTP server for GraphQL (HTTP, SSE, WebSocket), the hosted Connect
 * Link pages and OAuth dance, the MCP server, and health checks; plus the sweeper.
 */
export function buildApp(config: Config, options: AppOptions = {}): App {
  const logger = options.logger ?? createLogger(config.logLevel);
  let server: Server | undefined;
  let wss: WebSocketServer | undefined;
  let database: Database | undefined;
  let bus: EventBus | undefined;
  let stopSweeper: (() => Promise<void>) | undefined;
  let counters: SharedCounters | undefined;
  let accessWatch: AccessWatch | undefined;
  let statusWatch: StatusWatch | undefined;
  const sockets = new Set<Socket>();

  async function start(port = config.port): Promise<StartedApp> {
    const began = performance.now();
    const target = options.database ?? databaseTargetOf(config);
    const keyRing = await loadKeyRing(config.encryptionKeys, keyRingFallbackOf(target), (m) => logger.warn(m));
    database = await openDatabase(target, {
      pgliteTemplate: async () => readTemplate(await templateFile(catalogFingerprint())),
      transactionMaxWaitMs: options.transactionMaxWaitMs,
    });
    const db = database;
    if (db.appliedMigrations.length > 0) {
      logger.info({ migrations: db.appliedMigrations }, 'applied database migrations');
    }
    bus = createEventBus(config.redisUrl, logger);
    await bus.ready();
    const readCache = createReadCache(bus, logger, options.readCache);
    const { createdApiKey } = await bootstrapDefaultProject(db.prisma, config.adminApiKey);
    const catalog = await syncCatalog(db.prisma);
    if (catalog.inserted + catalog.updated > 0) {
      logger.info(catalog, 'synced the toolkit catalog');
      // Instances still running an older catalog drop the toolkits they hold.
      await readCache.changed();
    }

    // Listen first: without PUBLIC_URL, links are built from the port actually bound.
    let handle: RequestListener | undefined;
    server = createServer((req, res) => {
      if (handle) return handle(req, res);
      res.writeHead(503, { 'retry-after': '1' }).end();
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    const httpServer = server;
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(port, config.host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
    const actualPort = (httpServer.address() as AddressInfo).port;
    const publicUrl = config.publicUrl ?? `http://localhost:${actualPort}`;

    const egress = options.egress ?? createEgress(config.egressAllowPrivate);
    const webhookDelivery = createWebhookDelivery(
      { prisma: db.prisma, keyRing, logger, egress },
      { ...DEFAULT_WEBHOOK_DELIVERY_POLICY, ...options.webhookDelivery },
    );
    const core: CoreDeps = {
      prisma: db.prisma,
      keyRing,
      bus,
      logger,
      publicUrl,
      managedOAuthApps: config.managedOAuthApps,
      webhookDelivery,
      egress,
      readCache,
      publishedMarks: createPublishedMarks(db.prisma),
    };
    counters = createSharedCounters(config.redisUrl, logger);
    await counters.ready();
    statusWatch = createStatusWatch(core, options.statusCheckIntervalMs ?? STATUS_CHECK_MS);
    const deps: DomainDeps = {
      ...core,
      refresher: createRefresher(core, { ...DEFAULT_REFRESH_TIMINGS, ...options.refresh }),
      sessionQuotas: createSessionQuotas(counters, config.quotas),
      statusWatch,
    };
    const graphqlLimits = { ...DEFAULT_GRAPHQL_LIMITS, ...options.graphqlLimits };
    accessWatch = createAccessWatch(db.prisma, logger, options.accessCheckIntervalMs, bus);
    const yoga = createGraphQLServer(deps, {
      limits: graphqlLimits,
      corsOrigins: config.corsOrigins,
      accessWatch,
      subscriptionsPerSession: config.quotas.subscriptionsPerSession,
      graphiql: config.graphiql,
    });
    const health = healthRoutes(db.ping);
    const rateLimiter = createHostedRateLimiter({
      rules: { ...hostedRateLimitsOf(config.hostedRateLimits), ...options.rateLimits },
      trustProxy: config.trustProxy,
      counters,
    });
    const connect = createConnectRoutes(deps, rateLimiter);
    const logos = logoRoutes();
    const mcp = createMcpRoutes(deps);
    handle = (req, res) => {
      void (async () => {
        if (await health(req, res)) return;
        if (logos(req, res)) return;
        if (await connect(req, res)) return;
        if (await mcp(req, res)) return;
        await yoga(req, res);
      })().catch((error: unknown) => {
        logger.error({ err: error }, 'request failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
    };
    wss = attachWebSocketServer(httpServer, yoga, {
      deps,
      accessWatch,
      logger,
      limits: graphqlLimits,
      subscriptionsPerSocket: config.quotas.subscriptionsPerSocket,
    });
    stopSweeper = startSweeper(
      deps,
      {
        intervalMs: options.sweepIntervalMs ?? DEFAULT_SWEEPER_TIMINGS.intervalMs,
        relayAfterMs: options.relayAfterMs ?? DEFAULT_SWEEPER_TIMINGS.relayAfterMs,
        retentionIntervalMs: options.retentionIntervalMs ?? DEFAULT_SWEEPER_TIMINGS.retentionIntervalMs,
      },
      config.retention,
    );

    logger.info(
      { port: actualPort, publicUrl, database: db.kind, eventBus: config.redisUrl ? 'redis' : 'in-process', startupMs: Math.round(performance.now() - began) },
      'connect server listening',
    );
    return { port: actualPort, publicUrl, createdApiKey, database: db, deps };
  }

  async function stop(): Promise<void> {
    await stopSweeper?.();
    accessWatch?.stop();
    statusWatch?.stop();
    for (const client of wss?.clients ?? []) client.close(1001, 'Server shutting down');
    await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
    if (server?.listening) {
      const closing = new Promise<void>((resolve) => server!.close(() => resolve()));
      server.closeIdleConnections();
      for (const socket of sockets) socket.destroySoon();
      await closing;
    }
    await bus?.close();
    await counters?.close();
    await database?.close();
    server = undefined;
    wss = undefined;
    bus = undefined;
    database = undefined;
    stopSweeper = undefined;
    counters = undefined;
    accessWatch = undefined;
    statusWatch = undefined;
  }

  return { start, stop };
}
