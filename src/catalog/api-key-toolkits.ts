import { aiApiKeyToolkits } from './api-key-toolkits-ai.js';
import { devApiKeyToolkits } from './api-key-toolkits-dev.js';
import { saasApiKeyToolkits } from './api-key-toolkits-saas.js';
import type { CatalogToolkitInput } from './schema.js';

/** Every hand-written key/token/Basic-auth toolkit; one whose slug is a grant provider gets merged onto it. */
export const apiKeyToolkits: readonly CatalogToolkitInput[] = [
  ...aiApiKeyToolkits,
  ...saasApiKeyToolkits,
  ...devApiKeyToolkits,
];
