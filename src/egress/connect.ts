import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { ClientRequestArgs } from 'node:http';
import { connect as netConnect, isIP, type NetConnectOpts, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { EgressRefusedError, normalizeHost, type EgressPolicy } from './policy.js';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for net/tls/http options: `dns.lookup` whose answers are checked before anyone connects. */
export type GuardedLookup = (hostname: string, options: { all?: boolean; family?: number | string; hints?: number }, callback: LookupCallback) => void;

/**
 * Resolves once and hands the socket only addresses the policy allows: the socket connects to
 * exactly what was checked, so a DNS answer that changes between a check and the connection
 * (rebinding) cannot slip through. Disallowed answers are dropped; none left is a refusal.
 */
export function guardedLookup(policy: EgressPolicy): GuardedLookup {
  return (hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : Number(options.family ?? 0);
    dnsLookup(hostname, { all: true, family, ...(options.hints ? { hints: options.hints } : {}) }, (error, answers) => {
      if (error) return callback(error, []);
      const usable = policy.allowsHostName(hostname) ? answers : answers.filter((answer) => policy.allowsAddress(answer.address));
      if (usable.length === 0) return callback(new EgressRefusedError(), []);
      if (options.all) return callback(null, usable);
      callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}

/** Whether node:http asks for a TLS connection: https.request names its protocol through its default agent when the caller did not. */
export function usesTls(options: ClientRequestArgs): boolean {
  return (options.protocol ?? (options._defaultAgent as { protocol?: string } | undefined)?.protocol) === 'https:';
}

/**
 * The port to connect to. When the URL names none, node:http fills in the caller's `defaultPort`, else 80, whatever
 * the protocol (an agent would say 443, but `createConnection` replaces the agent): a TLS connection to 80, or a
 * plain one to 443, is that stand-in and goes to its own protocol's default port. An explicit `https://host:80` or
 * `http://host:443` is taken the same way; no provider serves those.
 */
export function connectionPort(options: ClientRequestArgs): number {
  const tls = usesTls(options);
  const port = Number(options.port ?? (tls ? 443 : 80));
  if (tls && port === 80) return 443;
  if (!tls && port === 443) return 80;
  return port;
}

/**
 * Opens a TCP (or, for `protocol: 'https:'`, TLS) connection through the policy, in the shape of
 * node:http's `createConnection` option. A literal address is checked here (no lookup happens
 * for it); a name is checked by {@link guardedLookup}. A refusal goes to the callback.
 */
export function guardedConnection(policy: EgressPolicy) {
  const lookup = guardedLookup(policy);
  return (options: ClientRequestArgs, callback: (error: Error | null, socket: Duplex) => void): Socket | undefined => {
    const host = normalizeHost(String(options.host ?? options.hostname ?? 'localhost'));
    const literal = isIP(host) !== 0;
    if (literal && !policy.allowsAddress(host)) {
      process.nextTick(() => callback(new EgressRefusedError(), undefined as never));
      return undefined;
    }
    const tls = usesTls(options);
    const target = { ...options, host, port: connectionPort(options), lookup };
    if (tls) {
      // node:http sets the TLS server name only when its https.Agent opens the socket.
      return tlsConnect({ ...target, ...(literal ? {} : { servername: host }) } as ConnectionOptions);
    }
    return netConnect(target as NetConnectOpts);
  };
}

/** node:http's `createConnection` option, as the egress hands it out. */
export type EgressConnection = ReturnType<typeof guardedConnection>;

/** Whether an error (or its cause) is an egress refusal. */
export function isEgressRefusal(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    if ((current as { code?: unknown }).code === 'EGRESS_REFUSED') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
