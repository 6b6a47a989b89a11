import { loadCatalog } from '../../catalog/index.js';
import type { Toolkit } from '../../generated/prisma/client.js';
import { DomainError } from '../errors.js';
import { resolveUrlTemplate, type FieldValues } from './toolkit-endpoints.js';

// Mix-up defence (RFC 9207): an authorization response that names its issuer (`iss`) must name
// the authorization server this flow was sent to, or a response from another provider could be
// passed off as this one's.

type IssuerToolkit = Pick<
  Toolkit,
  'slug' | 'projectId' | 'authorizeUrl' | 'tokenUrl' | 'requestTokenUrl' | 'revokeUrl' | 'userInfoUrl' | 'fields'
>;

let catalogIssuers: ReadonlyMap<string, string> | undefined;

/** The issuer a catalog toolkit's provider names itself with, placeholders filled; null when the catalog does not know it. */
export function knownIssuerOf(toolkit: IssuerToolkit, values: FieldValues): string | null {
  if (toolkit.projectId !== null) return null;
  catalogIssuers ??= new Map(
    loadCatalog().flatMap((entry) => (entry.oauth?.issuer ? [[entry.slug, entry.oauth.issuer] as const] : [])),
  );
  const template = catalogIssuers.get(toolkit.slug);
  if (!template) return null;
  try {
    return resolveUrlTemplate(toolkit, template, values);
  } catch (error) {
    // A placeholder the flow has no value for: fall back to the authorization endpoint's server.
    if (error instanceof DomainError) return null;
    throw error;
  }
}

/**
 * Whether an authorization response's `iss` names this flow's server: exactly the known issuer,
 * else an issuer at the authorization endpoint's origin (for custom toolkits the issuer is not
 * configured; distinct authorization servers live at distinct origins).
 */
export function issuerMatches(iss: string, flow: { issuer: string | null; authorizeUrl: string }): boolean {
  if (flow.issuer) return iss === flow.issuer;
  const parsed = URL.parse(iss);
  if (!parsed || parsed.search || parsed.hash || parsed.username || parsed.password) return false;
  return parsed.origin !== 'null' && parsed.origin === new URL(flow.authorizeUrl).origin;
}
