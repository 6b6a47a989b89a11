import { guardedConnection, type EgressConnection } from './connect.js';
import { createEgressFetch, type EgressFetch } from './fetch.js';
import { createEgressPolicy, type EgressAllowList, type EgressPolicy } from './policy.js';

export { connectionPort, isEgressRefusal, usesTls, type EgressConnection } from './connect.js';
export type { EgressFetch } from './fetch.js';
export { EgressRefusedError, parseEgressAllowList, type EgressAllowList, type EgressPolicy } from './policy.js';

/**
 * Every outbound connection the server makes, in one place: only this module knows how they are
 * checked. Built once by the app from `EGRESS_ALLOW_PRIVATE`.
 */
export interface Egress {
  policy: EgressPolicy;
  /** fetch for webhooks and token endpoints. */
  fetch: EgressFetch;
  /** node:http's `createConnection` option, for libraries that make their own requests (grant). */
  createConnection: EgressConnection;
}

/**
 * The egress of `allow`. `connect` opens the connections, checked against the policy; only tests replace it, to
 * send every provider host to a loopback double (URLs the server is given are still checked against the policy).
 */
export function createEgress(allow: EgressAllowList, connect: (policy: EgressPolicy) => EgressConnection = guardedConnection): Egress {
  const policy = createEgressPolicy(allow);
  const createConnection = connect(policy);
  return { policy, fetch: createEgressFetch(createConnection), createConnection };
}
