import type { AuthScheme, CatalogToolkitInput, CredentialFieldInput } from './schema.js';

/** Drops keys whose value is undefined so merged entries look like hand-written ones. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Lays an API-key entry over the same-slug OAuth entry: schemes, categories and fields (by name) are unioned, the
 * OAuth side keeps name and settings; API-key-only fields are tagged with their schemes so OAuth forms skip them.
 */
export function mergeToolkit(oauthEntry: CatalogToolkitInput, apiKeyEntry: CatalogToolkitInput): CatalogToolkitInput {
  const oauthFields = oauthEntry.fields ?? [];
  const oauthFieldNames = new Set(oauthFields.map((field) => field.name));
  const apiKeyFields: CredentialFieldInput[] = (apiKeyEntry.fields ?? []).map((field) =>
    oauthFieldNames.has(field.name) || field.authSchemes ? field : { ...field, authSchemes: [...apiKeyEntry.authSchemes] },
  );
  const apiKeyFieldNames = new Set(apiKeyFields.map((field) => field.name));
  return withoutUndefined({
    slug: oauthEntry.slug,
    name: oauthEntry.name,
    description: oauthEntry.description ?? apiKeyEntry.description,
    logoUrl: oauthEntry.logoUrl ?? apiKeyEntry.logoUrl,
    categories: [...new Set([...(oauthEntry.categories ?? []), ...(apiKeyEntry.categories ?? [])])],
    authSchemes: [...new Set<AuthScheme>([...oauthEntry.authSchemes, ...apiKeyEntry.authSchemes])],
    oauth: oauthEntry.oauth ?? apiKeyEntry.oauth,
    fields: [...oauthFields.filter((field) => !apiKeyFieldNames.has(field.name)), ...apiKeyFields],
    apiBaseUrl: oauthEntry.apiBaseUrl ?? apiKeyEntry.apiBaseUrl,
  });
}

/** One entry per slug from both sources, API-key entries merged onto same-slug OAuth ones; throws on in-source dupes. */
export function mergeToolkitSources(
  oauthEntries: readonly CatalogToolkitInput[],
  apiKeyEntries: readonly CatalogToolkitInput[],
): CatalogToolkitInput[] {
  const bySlug = new Map<string, CatalogToolkitInput>();
  for (const entry of oauthEntries) {
    if (bySlug.has(entry.slug)) throw new Error(`OAuth toolkit slug "${entry.slug}" is defined twice`);
    bySlug.set(entry.slug, entry);
  }
  const apiKeySlugs = new Set<string>();
  for (const entry of apiKeyEntries) {
    if (apiKeySlugs.has(entry.slug)) throw new Error(`API-key toolkit slug "${entry.slug}" is defined twice`);
    apiKeySlugs.add(entry.slug);
    const oauthEntry = bySlug.get(entry.slug);
    bySlug.set(entry.slug, oauthEntry ? mergeToolkit(oauthEntry, entry) : entry);
  }
  return [...bySlug.values()];
}
