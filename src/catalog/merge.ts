import type { AuthScheme, CatalogToolkitInput, CredentialFieldInput, MetadataInput } from './schema.js';

/** Drops keys whose value is undefined so merged entries look like hand-written ones. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Tags untagged metadata with the schemes of the entry it came from, so the other side's connections skip it. */
function tagMetadata(entry: CatalogToolkitInput): MetadataInput[] {
  return (entry.metadata ?? []).map((item) => (item.authSchemes ? item : { ...item, authSchemes: [...entry.authSchemes] }));
}

/**
 * Lays an API-key entry over the same-slug OAuth entry: schemes, categories, fields (by name) and metadata are
 * unioned, the OAuth side keeps name, settings and identity; API-key-only fields are tagged with their schemes so
 * OAuth forms skip them. The API-key side's `apiBaseUrl` and `apiAuth` stay top-level (they describe its
 * credentials); an OAuth base URL that differs moves to `oauth.apiBaseUrl`.
 */
export function mergeToolkit(oauthEntry: CatalogToolkitInput, apiKeyEntry: CatalogToolkitInput): CatalogToolkitInput {
  if (oauthEntry.apiAuth) {
    throw new Error(`OAuth toolkit "${oauthEntry.slug}" sets apiAuth; OAuth credentials are described by oauth.apiAuth`);
  }
  const oauthFields = oauthEntry.fields ?? [];
  const oauthFieldNames = new Set(oauthFields.map((field) => field.name));
  const apiKeyFields: CredentialFieldInput[] = (apiKeyEntry.fields ?? []).map((field) =>
    oauthFieldNames.has(field.name) || field.authSchemes ? field : { ...field, authSchemes: [...apiKeyEntry.authSchemes] },
  );
  const apiKeyFieldNames = new Set(apiKeyFields.map((field) => field.name));
  const apiBaseUrl = apiKeyEntry.apiBaseUrl ?? oauthEntry.apiBaseUrl;
  const oauth =
    oauthEntry.oauth && oauthEntry.apiBaseUrl && oauthEntry.apiBaseUrl !== apiBaseUrl && !oauthEntry.oauth.apiBaseUrl
      ? { ...oauthEntry.oauth, apiBaseUrl: oauthEntry.apiBaseUrl }
      : (oauthEntry.oauth ?? apiKeyEntry.oauth);
  const metadata = [...tagMetadata(oauthEntry), ...tagMetadata(apiKeyEntry)];
  return withoutUndefined({
    slug: oauthEntry.slug,
    name: oauthEntry.name,
    description: oauthEntry.description ?? apiKeyEntry.description,
    logoUrl: oauthEntry.logoUrl ?? apiKeyEntry.logoUrl,
    categories: [...new Set([...(oauthEntry.categories ?? []), ...(apiKeyEntry.categories ?? [])])],
    authSchemes: [...new Set<AuthScheme>([...oauthEntry.authSchemes, ...apiKeyEntry.authSchemes])],
    oauth,
    fields: [...oauthFields.filter((field) => !apiKeyFieldNames.has(field.name)), ...apiKeyFields],
    apiBaseUrl,
    apiAuth: apiKeyEntry.apiAuth,
    identity: oauthEntry.identity ?? apiKeyEntry.identity,
    metadata: metadata.length > 0 ? metadata : undefined,
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
