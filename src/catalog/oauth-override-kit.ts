import type { IdentityInput, MetadataInput, OAuthSettingsInput } from './schema.js';

// The shape of a hand-checked provider override, and what several overrides share. The
// overrides themselves: oauth-overrides-top.ts (the most used providers, each audited) and
// oauth-overrides-more.ts; oauth-overrides.ts joins them.

/** Hand-checked additions to one grant provider; `oauth` keys are laid over grant's mapped settings. */
export interface OAuthProviderOverride {
  categories?: string[];
  description?: string;
  /** Any OAuth setting but the version (grant's), endpoints included (Slack's v2 URLs). */
  oauth?: Partial<Omit<OAuthSettingsInput, 'version' | 'requestUrl'>>;
  apiBaseUrl?: string;
  identity?: IdentityInput;
  metadata?: MetadataInput[];
}

export const oidcScopes = ['openid', 'profile', 'email'];

/** The OpenID Connect userinfo claims every OIDC provider answers with. */
export function oidcUserinfo(url: string): IdentityInput {
  return { from: 'endpoint', url, id: 'sub', email: 'email', name: 'name|preferred_username|nickname' };
}

/**
 * Evidence the override files cite, per provider:
 * - [doc] the provider's own OAuth / API documentation (as of 2025-2026);
 * - [nango] NangoHQ/nango `packages/providers/providers.yaml` (npm @nangohq/providers 0.71.10): PKCE is on there
 *   unless `disable_pkce`, so a provider it uses without `disable_pkce` accepts a code challenge;
 * - [grant] grant's own `config/oauth.json` / `config/profile.json` / `lib/flow/oauth2.js`;
 * - issue threads named by repository and number.
 * PKCE: on for every OAuth 2 provider (unknown parameters are ignored by RFC 6749 §3.1/§3.2 servers); a `pkceOptOut`
 * names the evidence that the provider rejects it.
 */
