import { z } from 'zod';
import type { RetentionPolicy } from './domain/events/retention.js';
import { parseEgressAllowList, type EgressAllowList } from './egress/index.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const urlWithProtocols = (protocols: readonly string[]) =>
  z
    .url({ error: `must be a URL (${protocols.join(', ')})` })
    .refine((value) => URL.canParse(value) && protocols.includes(new URL(value).protocol), {
      error: `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    });

/** A positive whole number from the environment, with its default. */
const positiveInt = (fallback: number, max = 1_000_000) =>
  optionalString.pipe(
    z.coerce
      .number<string | undefined>({ error: 'must be a whole number' })
      .int({ error: 'must be a whole number' })
      .min(1, { error: 'must be at least 1' })
      .max(max, { error: `must be at most ${max}` })
      .default(fallback),
  );

const corsOriginSchema = z.union([
  z.literal('*'),
  z.string().refine((origin) => URL.canParse(origin) && new URL(origin).origin === origin, {
    error: 'must be * or a comma-separated list of origins such as https://chat.example.com',
  }),
]);

/** The environment the server reads, with its defaults. Documented one-to-one in README.md. */
function retentionDays(fallback: number) {
  return z.coerce.number({ error: 'must be a number of days' }).int({ error: 'must be a whole number of days' }).min(0).max(36_500).default(fallback);
}

export const configSchema = z.object({
  PORT: z.coerce.number({ error: 'must be a number' }).int().min(0).max(65_535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: urlWithProtocols(['http:', 'https:'])
    .transform((value) => value.replace(/\/+$/, ''))
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: optionalString.pipe(urlWithProtocols(['postgresql:', 'postgres:']).optional()),
  REDIS_URL: optionalString.pipe(urlWithProtocols(['redis:', 'rediss:']).optional()),
  ADMIN_API_KEY: optionalString.pipe(
    z.string().min(24, { error: 'must be at least 24 characters long' }).optional(),
  ),
  ENCRYPTION_KEYS: optionalString,
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  // How many reverse proxies in front of the server append to X-Forwarded-For. Only then is
  // that header believed: otherwise any client could pick its own address (and rate-limit key).
  TRUST_PROXY: optionalString.pipe(
    z
      .string()
      .regex(/^(true|false|\d{1,2})$/i, { error: 'must be true, false or the number of proxies in front of the server' })
      .transform((value) => (/^true$/i.test(value) ? 1 : /^false$/i.test(value) ? 0 : Number(value)))
      .optional(),
  ),
  // Per client IP on the hosted routes. One office behind one NAT address onboarding a team
  // at once makes a few requests per person, so the defaults leave room for dozens of people.
  RATE_LIMIT_LINK_PER_MINUTE: positiveInt(120),
  RATE_LIMIT_CONNECT_PER_MINUTE: positiveInt(120),
  // Per session client token (the project's API key is not limited).
  RATE_LIMIT_AUTHORIZE_PER_MINUTE: positiveInt(30),
  MAX_SUBSCRIPTIONS_PER_SOCKET: positiveInt(50, 10_000),
  MAX_SUBSCRIPTIONS_PER_SESSION: positiveInt(100, 100_000),
  // GraphiQL at /graphql for browsers. Unset: on, except with NODE_ENV=production.
  GRAPHIQL: optionalString.pipe(
    z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .transform((value) => value === 'true')
      .optional(),
  ),
  NODE_ENV: optionalString,
  // Browser origins allowed to call /graphql. Calls authenticate with bearer tokens, never
  // cookies, so any origin is safe; operators may still narrow it.
  CORS_ORIGINS: optionalString.pipe(
    z
      .string()
      .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean))
      .pipe(z.array(corsOriginSchema).min(1, { error: 'must list at least one origin, or be *' }))
      .optional(),
  ),
  // Days finished rows are kept (0: forever); rows still needed are never deleted.
  RETENTION_EVENTS_DAYS: retentionDays(30),
  RETENTION_WEBHOOK_DELIVERIES_DAYS: retentionDays(30),
  RETENTION_CONNECT_LINKS_DAYS: retentionDays(7),
  RETENTION_SESSIONS_DAYS: retentionDays(30),
  // Private, loopback, link-local and reserved addresses the server may still connect to
  // (internal identity providers): CIDRs or host names. Everything else private is refused.
  EGRESS_ALLOW_PRIVATE: optionalString.pipe(
    z
      .string()
      .transform((value, ctx) => {
        const parsed = parseEgressAllowList(value);
        if (parsed.invalid.length > 0) {
          ctx.addIssue({ code: 'custom', message: `not a CIDR, address or host name: ${parsed.invalid.join(', ')}` });
          return z.NEVER;
        }
        return parsed.allow;
      })
      .optional(),
  ),
});

type Env = z.output<typeof configSchema>;

/** Parsed configuration. Without PUBLIC_URL the app derives it from the port it listens on. */
export interface Config {
  port: number;
  host: string;
  publicUrl: string | undefined;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  adminApiKey: string | undefined;
  encryptionKeys: string | undefined;
  logLevel: Env['LOG_LEVEL'];
  /** Proxies in front of the server whose X-Forwarded-For entries are trusted; unset: none. */
  trustProxy: number | undefined;
  /** Origins allowed to call /graphql from a browser; `['*']` (the default) allows any. */
  corsOrigins: readonly string[];
  /** Requests per minute per client IP: `link` for /link/*, `connect` for /connect/*. */
  hostedRateLimits: { linkPerMinute: number; connectPerMinute: number };
  /** What one session client token (and one WebSocket) may hold or do. */
  quotas: Quotas;
  /** Whether browsers get GraphiQL at /graphql. */
  graphiql: boolean;
  /** Operator-provided OAuth apps per toolkit, keyed by {@link managedAppKey} of the slug. */
  managedOAuthApps: ReadonlyMap<string, { clientId: string; clientSecret: string }>;
  /** Private addresses and hosts outbound connections may reach; empty: none. */
  egressAllowPrivate: EgressAllowList;
  /** How long finished events, webhook deliveries and Connect Links are kept. */
  retention: RetentionPolicy;
}

export interface Quotas {
  /** authorize calls per minute by one session client token. */
  authorizePerMinute: number;
  /** Subscriptions open at once on one WebSocket, whoever holds it. */
  subscriptionsPerSocket: number;
  /** Subscriptions open at once by one session client token over WebSocket and SSE, per instance. */
  subscriptionsPerSession: number;
}

/** `my-crm` → `MY_CRM`: how a toolkit slug appears in TOOLKIT_<SLUG>_CLIENT_ID. */
export function managedAppKey(slug: string): string {
  return slug.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

const MANAGED_APP_VARIABLE = /^TOOLKIT_([A-Z0-9_]+)_CLIENT_(ID|SECRET)$/;

function parseManagedApps(env: Record<string, string | undefined>) {
  const apps = new Map<string, { clientId: string; clientSecret: string }>();
  const problems: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    const match = MANAGED_APP_VARIABLE.exec(name);
    if (!match || match[2] !== 'ID' || !value?.trim()) continue;
    const secret = env[`TOOLKIT_${match[1]}_CLIENT_SECRET`]?.trim();
    if (!secret) {
      problems.push(`Invalid environment variable TOOLKIT_${match[1]}_CLIENT_SECRET: required with ${name}`);
      continue;
    }
    apps.set(match[1]!, { clientId: value.trim(), clientSecret: secret });
  }
  return { apps, problems };
}

/** Thrown for a bad environment; its message is one line per offending variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment once. Throws ConfigError naming each bad variable and what is wrong. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    // One line per variable: its first problem is the one to fix.
    const lines = new Map<string, string>();
    for (const issue of result.error.issues) {
      const name = String(issue.path[0]); // the variable, not a position inside its value
      if (!lines.has(name)) lines.set(name, `Invalid environment variable ${name}: ${issue.message}`);
    }
    throw new ConfigError([...lines.values()].join('\n'));
  }
  const managed = parseManagedApps(env);
  if (managed.problems.length > 0) throw new ConfigError(managed.problems.join('\n'));
  const parsed = result.data;
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    publicUrl: parsed.PUBLIC_URL,
    dataDir: parsed.DATA_DIR,
    databaseUrl: parsed.DATABASE_URL,
    redisUrl: parsed.REDIS_URL,
    adminApiKey: parsed.ADMIN_API_KEY,
    encryptionKeys: parsed.ENCRYPTION_KEYS,
    logLevel: parsed.LOG_LEVEL,
    // 0 is the same as unset: the socket's address is the client's.
    trustProxy: parsed.TRUST_PROXY || undefined,
    corsOrigins: parsed.CORS_ORIGINS?.length ? parsed.CORS_ORIGINS : ['*'],
    hostedRateLimits: { linkPerMinute: parsed.RATE_LIMIT_LINK_PER_MINUTE, connectPerMinute: parsed.RATE_LIMIT_CONNECT_PER_MINUTE },
    quotas: {
      authorizePerMinute: parsed.RATE_LIMIT_AUTHORIZE_PER_MINUTE,
      subscriptionsPerSocket: parsed.MAX_SUBSCRIPTIONS_PER_SOCKET,
      subscriptionsPerSession: parsed.MAX_SUBSCRIPTIONS_PER_SESSION,
    },
    graphiql: parsed.GRAPHIQL ?? parsed.NODE_ENV !== 'production',
    managedOAuthApps: managed.apps,
    retention: {
      eventsDays: parsed.RETENTION_EVENTS_DAYS,
      webhookDeliveriesDays: parsed.RETENTION_WEBHOOK_DELIVERIES_DAYS,
      connectLinksDays: parsed.RETENTION_CONNECT_LINKS_DAYS,
      sessionsDays: parsed.RETENTION_SESSIONS_DAYS,
    },
    egressAllowPrivate: parsed.EGRESS_ALLOW_PRIVATE ?? { cidrs: [], hosts: [] },
  };
}
