/** Schemas and types of catalog entries. */
export {
  authSchemes,
  authSchemeSchema,
  catalogToolkitSchema,
  credentialAuthSchemes,
  credentialFieldSchema,
  maxLengthOf,
  storedCredentialFieldSchema,
  identitySchema,
  metadataSchema,
  oauthSchema,
  type ApiAuth,
  type AuthScheme,
  type CatalogToolkit,
  type CatalogToolkitInput,
  type CredentialField,
  type Identity,
  type Metadata,
  type OAuthSettings,
} from './schema.js';

/** The templates and paths catalog entries are written with. */
export {
  apiAuthSchema,
  credentialPlaceholderPattern,
  credentialPlaceholders,
  jsonPathSchema,
  oauthTokenPlaceholders,
  readJsonPath,
  urlPlaceholderPattern,
  urlPlaceholders,
} from './templates.js';

/** Running toolkit patterns (RE2, linear time). */
export { DEFAULT_FIELD_MAX_LENGTH, fieldPatternProblem, matchesFieldPattern } from './patterns.js';

/** Per-scheme API access (base URL and credential placement, defaults applied). */
export { apiAccessFor, type ApiAccess } from './api-access.js';

/** Brand logos from simple-icons. */
export { logoCount, logoOf, logoSlugOf, type Logo } from './logos.js';

/** grant provider helpers, e.g. to map a grant key to its catalog slug. */
export { grantProviders, slugFromGrantKey } from './oauth-providers.js';

/** Building and loading the validated catalog. */
export { buildCatalog, loadCatalog } from './load.js';
