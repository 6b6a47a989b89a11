import type { OAuthProviderOverride } from './oauth-override-kit.js';
import { moreProviderOverrides } from './oauth-overrides-more.js';
import { topProviderOverrides } from './oauth-overrides-top.js';

export type { OAuthProviderOverride } from './oauth-override-kit.js';

/** Hand-checked additions to grant's providers, by grant provider name. */
export const oauthOverrides: Readonly<Record<string, OAuthProviderOverride>> = { ...topProviderOverrides, ...moreProviderOverrides };
