import { guardedConnection } from './connect.js';
import { createEgressFetch, type EgressFetch } from './fetch.js';
import { createEgressPolicy, type EgressAllowList, type EgressPolicy } from './policy.js';

export { isEgressRefusal } from './connect.js';
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
  createConnection: ReturnType<typeof guardedConnection>;
}

export function createEgress(allow: EgressAllowList): Egress {
  const policy = createEgressPolicy(allow);
  return { policy, fetch: createEgressFetch(policy), createConnection: guardedConnection(policy) };
}
