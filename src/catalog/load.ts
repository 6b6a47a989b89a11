import { apiKeyToolkits } from './api-key-toolkits.js';
import { mergeToolkitSources } from './merge.js';
import { oauthProviderToolkits } from './oauth-providers.js';
import { oauthToolkits } from './oauth-toolkits.js';
import { catalogToolkitSchema, type CatalogToolkit, type CatalogToolkitInput } from './schema.js';

/** Freezes an entry and everything in it, so the memoized catalog cannot be mutated by callers. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Merges, validates (throwing with the slug and the problem) and sorts the OAuth entries (grant's providers and the
 * hand-written OAuth toolkits, whose slugs may not collide) and the API-key entries; loadCatalog's engine.
 */
export function buildCatalog(
  oauthEntries: readonly CatalogToolkitInput[],
  apiKeyEntries: readonly CatalogToolkitInput[],
): readonly CatalogToolkit[] {
  const toolkits = mergeToolkitSources(oauthEntries, apiKeyEntries).map((entry) => {
    const result = catalogToolkitSchema.safeParse(entry);
    if (!result.success) {
      const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(entry)'}: ${issue.message}`);
      throw new Error(`Catalog toolkit "${String(entry.slug)}" is invalid: ${problems.join('; ')}`);
    }
    return result.data;
  });
  toolkits.sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  return deepFreeze(toolkits);
}

let catalog: readonly CatalogToolkit[] | undefined;

/** The validated toolkit catalog (grant's OAuth providers, hand-written OAuth toolkits, API-key services), memoized. */
export function loadCatalog(): readonly CatalogToolkit[] {
  catalog ??= buildCatalog([...oauthProviderToolkits(), ...oauthToolkits], apiKeyToolkits);
  return catalog;
}
