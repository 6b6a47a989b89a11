import { BlockList, isIP } from 'node:net';

/**
 * Where this server may open outbound connections (webhooks, token endpoints, the OAuth code
 * exchange). Every address a URL could lead to is public unless the operator says otherwise:
 * a tenant who can name a URL must not reach the cloud metadata service, the database or an
 * admin port on the server's network.
 */
export interface EgressAllowList {
  /** CIDRs (`10.1.0.0/16`, `fd00::/8`) whose addresses may be reached although private. */
  cidrs: readonly string[];
  /** Host names reached whatever they resolve to (an internal identity provider). */
  hosts: readonly string[];
}

/** Why a connection was not made. Its message says what to do, never which port or host answered what. */
export class EgressRefusedError extends Error {
  override name = 'EgressRefusedError';
  readonly code = 'EGRESS_REFUSED';
  constructor() {
    super('refused to connect to a private, loopback, link-local or reserved address (see EGRESS_ALLOW_PRIVATE)');
  }
}

// IANA special-purpose ranges (RFC 6890 and successors): nothing on them is a public service.
const RESERVED_V4: [string, number][] = [
  ['0.0.0.0', 8], // "this network"; 0.0.0.0 reaches the local host
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
// IPv4-mapped addresses (::ffff:a.b.c.d) need no rule: BlockList checks them against the IPv4 ones.
const RESERVED_V6: [string, number][] = [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 32], // Teredo, which embeds an IPv4 address
  ['2001:db8::', 32],
  ['2002::', 16], // 6to4, which embeds an IPv4 address
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

function familyOf(address: string): 'ipv4' | 'ipv6' | null {
  const version = isIP(address);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : null;
}

/** `[::1]` → `::1`, `Example.COM.` → `example.com`: the one spelling compared. */
export function normalizeHost(host: string): string {
  return host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

/** A CIDR (`10.0.0.0/8`, `fd00::/8`) or a bare address, as [address, prefix, family]; null when malformed. */
export function parseCidr(value: string): [string, number, 'ipv4' | 'ipv6'] | null {
  const [address = '', prefixText, extra] = value.split('/');
  const family = familyOf(address);
  if (!family || extra !== undefined) return null;
  const max = family === 'ipv4' ? 32 : 128;
  if (prefixText === undefined) return [address, max, family];
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) return null;
  return [address, Number(prefixText), family];
}

/** Host names no public URL should name; resolved at connection time they are refused anyway. */
const LOOPBACK_NAMES = /(^|\.)localhost$/;
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata', 'instance-data', 'instance-data.ec2.internal']);

export interface EgressPolicy {
  /** Whether a connection to this IP address may be made. */
  allowsAddress(address: string): boolean;
  /** Whether the operator allowed this host name whatever it resolves to. */
  allowsHostName(host: string): boolean;
  /**
   * The input-time check: whether a URL's host is obviously not reachable (a private literal
   * address, `localhost`, a metadata name). Names are checked again, resolved, at connection.
   */
  refusesUrlHost(host: string): boolean;
}

export function createEgressPolicy(allow: EgressAllowList): EgressPolicy {
  const reserved = new BlockList();
  for (const [address, prefix] of RESERVED_V4) reserved.addSubnet(address, prefix, 'ipv4');
  for (const [address, prefix] of RESERVED_V6) reserved.addSubnet(address, prefix, 'ipv6');
  const allowed = new BlockList();
  for (const cidr of allow.cidrs) {
    const parsed = parseCidr(cidr);
    if (parsed) allowed.addSubnet(...parsed);
  }
  const allowedHosts = new Set(allow.hosts.map(normalizeHost));

  const allowsAddress = (address: string): boolean => {
    const plain = normalizeHost(address);
    const family = familyOf(plain);
    if (!family) return false;
    try {
      return !reserved.check(plain, family) || allowed.check(plain, family);
    } catch {
      return false; // an address BlockList cannot read (a zone id) is not one we vouch for
    }
  };
  const allowsHostName = (host: string): boolean => allowedHosts.has(normalizeHost(host));

  return {
    allowsAddress,
    allowsHostName,
    refusesUrlHost(host) {
      const name = normalizeHost(host);
      if (allowsHostName(name)) return false;
      if (familyOf(name)) return !allowsAddress(name);
      if (LOOPBACK_NAMES.test(name)) return !allowsAddress('127.0.0.1');
      return METADATA_NAMES.has(name);
    },
  };
}

/** Parses `EGRESS_ALLOW_PRIVATE`: comma-separated CIDRs, addresses and host names. */
export function parseEgressAllowList(value: string | undefined): { allow: EgressAllowList; invalid: string[] } {
  const entries = (value ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  const cidrs: string[] = [];
  const hosts: string[] = [];
  const invalid: string[] = [];
  for (const entry of entries) {
    if (parseCidr(entry)) cidrs.push(entry);
    else if (/^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$/.test(entry) && !/^[\d.]+$/.test(entry)) {
      hosts.push(normalizeHost(entry));
    } else invalid.push(entry);
  }
  return { allow: { cidrs, hosts }, invalid };
}
