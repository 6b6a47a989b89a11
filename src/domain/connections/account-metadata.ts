import { readJsonPath } from '../../catalog/index.js';
import type { CoreDeps } from '../deps.js';
import { DomainError } from '../errors.js';
import type { FieldValues } from '../toolkits/toolkit-endpoints.js';
import { catalogEntryOf, resolveApiTemplate } from './api-target.js';
import { fetchAccountJson, type AccountContext } from './provider-account.js';

// Values the catalog says to learn once after an OAuth connection, such as Atlassian's cloud id (from
// accessible-resources) or Salesforce's instance_url (from the token response). They join the account's field
// values, so that `[cloudId]` in the toolkit's API base URL resolves for every later call.

const MAX_VALUE_LENGTH = 500;

function valueOf(found: unknown): string | null {
  if (typeof found === 'number' && Number.isFinite(found)) return String(found);
  if (typeof found !== 'string') return null;
  const trimmed = found.trim();
  return trimmed && trimmed.length <= MAX_VALUE_LENGTH ? trimmed : null;
}

/**
 * The catalog metadata of an OAuth 2 connection: each value read from the token endpoint's answer, or fetched with
 * the new credentials (an earlier value may be part of a later URL). One that cannot be learnt is left out and
 * logged: the connection stands, and a call needing it is refused naming the missing value.
 */
export async function learnAccountMetadata(
  deps: CoreDeps,
  context: AccountContext,
  tokenResponse: Readonly<Record<string, unknown>>,
): Promise<FieldValues> {
  const learnt: FieldValues = {};
  if (context.credentials.scheme !== 'OAUTH2') return learnt;
  const wanted = (catalogEntryOf(context.toolkit)?.metadata ?? []).filter((item) => !item.authSchemes || item.authSchemes.includes('OAUTH2'));
  for (const item of wanted) {
    try {
      const source = item.url
        ? await fetchAccountJson(deps, context, resolveApiTemplate(item.url, { ...context.fieldValues, ...learnt }), 'GET')
        : tokenResponse;
      const value = valueOf(readJsonPath(source, item.path));
      if (value !== null) learnt[item.field] = value;
      else deps.logger.info({ toolkit: context.toolkit.slug, field: item.field }, 'the provider did not say a value its API URL needs');
    } catch (error) {
      const reason = error instanceof DomainError ? error.message : ((error as { name?: string }).name ?? 'error');
      deps.logger.info({ toolkit: context.toolkit.slug, field: item.field, reason }, 'could not learn a value its API URL needs');
    }
  }
  return learnt;
}
