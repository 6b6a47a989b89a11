import type { OAuthSettingsInput } from './schema.js';

/** Hand-checked additions to one grant provider; `oauth` keys are laid over grant's mapped settings. */
export interface OAuthProviderOverride {
  categories?: string[];
  oauth?: Partial<Pick<OAuthSettingsInput, 'pkce' | 'revokeUrl' | 'userInfoUrl' | 'defaultScopes' | 'scopeDelimiter'>>;
}

const oidcScopes = ['openid', 'profile', 'email'];

/**
 * Categories, PKCE support, RFC 7009 revocation and user-info endpoints for well-known grant providers,
 * keyed by grant key. Only facts confirmed by the providers' own documentation; absent means unknown.
 */
export const oauthOverrides: Readonly<Record<string, OAuthProviderOverride>> = {
  google: {
    categories: ['productivity', 'email', 'calendar', 'file-storage'],
    oauth: {
      pkce: true,
      defaultScopes: oidcScopes,
      revokeUrl: 'https://oauth2.googleapis.com/revoke',
      userInfoUrl: 'https://openidconnect.googleapis.com/v1/userinfo',
    },
  },
  microsoft: {
    categories: ['productivity', 'email', 'calendar', 'file-storage'],
    oauth: {
      pkce: true,
      defaultScopes: [...oidcScopes, 'offline_access'],
      userInfoUrl: 'https://graph.microsoft.com/oidc/userinfo',
    },
  },
  github: {
    categories: ['developer-tools'],
    oauth: { userInfoUrl: 'https://api.github.com/user' },
  },
  gitlab: {
    categories: ['developer-tools'],
    oauth: { pkce: true, revokeUrl: 'https://gitlab.com/oauth/revoke', userInfoUrl: 'https://gitlab.com/api/v4/user' },
  },
  bitbucket: { categories: ['developer-tools'], oauth: { userInfoUrl: 'https://api.bitbucket.org/2.0/user' } },
  twitter: {
    categories: ['social'],
    oauth: { userInfoUrl: 'https://api.twitter.com/1.1/account/verify_credentials.json' },
  },
  twitter2: {
    categories: ['social'],
    oauth: {
      pkce: true,
      revokeUrl: 'https://api.twitter.com/2/oauth2/revoke',
      userInfoUrl: 'https://api.twitter.com/2/users/me',
    },
  },
  linkedin: {
    categories: ['social'],
    oauth: { defaultScopes: oidcScopes, userInfoUrl: 'https://api.linkedin.com/v2/userinfo' },
  },
  facebook: { categories: ['social', 'marketing'], oauth: { userInfoUrl: 'https://graph.facebook.com/me' } },
  instagram: { categories: ['social'] },
  reddit: {
    categories: ['social'],
    oauth: {
      revokeUrl: 'https://www.reddit.com/api/v1/revoke_token',
      userInfoUrl: 'https://oauth.reddit.com/api/v1/me',
    },
  },
  discord: {
    categories: ['communication'],
    oauth: {
      revokeUrl: 'https://discord.com/api/oauth2/token/revoke',
      userInfoUrl: 'https://discord.com/api/users/@me',
    },
  },
  slack: { categories: ['communication'] },
  zoom: {
    categories: ['communication', 'video'],
    oauth: { pkce: true, revokeUrl: 'https://zoom.us/oauth/revoke', userInfoUrl: 'https://api.zoom.us/v2/users/me' },
  },
  twitch: {
    categories: ['video', 'social'],
    oauth: { revokeUrl: 'https://id.twitch.tv/oauth2/revoke', userInfoUrl: 'https://id.twitch.tv/oauth2/userinfo' },
  },
  spotify: { categories: ['music'], oauth: { pkce: true, userInfoUrl: 'https://api.spotify.com/v1/me' } },
  dropbox: { categories: ['file-storage'], oauth: { pkce: true, scopeDelimiter: ' ' } },
  box: {
    categories: ['file-storage'],
    oauth: { revokeUrl: 'https://api.box.com/oauth2/revoke', userInfoUrl: 'https://api.box.com/2.0/users/me' },
  },
  salesforce: {
    categories: ['crm'],
    oauth: {
      pkce: true,
      revokeUrl: 'https://login.salesforce.com/services/oauth2/revoke',
      userInfoUrl: 'https://login.salesforce.com/services/oauth2/userinfo',
    },
  },
  atlassian: {
    categories: ['project-management', 'developer-tools'],
    oauth: { userInfoUrl: 'https://api.atlassian.com/me' },
  },
  asana: {
    categories: ['project-management'],
    oauth: { revokeUrl: 'https://app.asana.com/-/oauth_revoke', userInfoUrl: 'https://app.asana.com/api/1.0/users/me' },
  },
  notion: { categories: ['productivity', 'documents'], oauth: { userInfoUrl: 'https://api.notion.com/v1/users/me' } },
  figma: { categories: ['design'], oauth: { userInfoUrl: 'https://api.figma.com/v1/me' } },
  digitalocean: {
    categories: ['cloud', 'developer-tools'],
    oauth: {
      revokeUrl: 'https://cloud.digitalocean.com/v1/oauth/revoke',
      userInfoUrl: 'https://api.digitalocean.com/v2/account',
    },
  },
  heroku: { categories: ['cloud', 'developer-tools'], oauth: { userInfoUrl: 'https://api.heroku.com/account' } },
  fitbit: {
    categories: ['fitness'],
    oauth: {
      pkce: true,
      revokeUrl: 'https://api.fitbit.com/oauth2/revoke',
      userInfoUrl: 'https://api.fitbit.com/1/user/-/profile.json',
    },
  },
  strava: { categories: ['fitness'], oauth: { userInfoUrl: 'https://www.strava.com/api/v3/athlete' } },
  line: {
    categories: ['communication', 'social'],
    oauth: {
      pkce: true,
      revokeUrl: 'https://api.line.me/oauth2/v2.1/revoke',
      userInfoUrl: 'https://api.line.me/oauth2/v2.1/userinfo',
    },
  },
  yahoo: { categories: ['email'], oauth: { userInfoUrl: 'https://api.login.yahoo.com/openid/v1/userinfo' } },
  amazon: { categories: ['identity', 'e-commerce'], oauth: { userInfoUrl: 'https://api.amazon.com/user/profile' } },
  apple: { categories: ['identity'], oauth: { revokeUrl: 'https://appleid.apple.com/auth/revoke' } },
  patreon: { categories: ['payments', 'social'], oauth: { userInfoUrl: 'https://www.patreon.com/api/oauth2/v2/identity' } },
  coinbase: { categories: ['finance', 'payments'], oauth: { userInfoUrl: 'https://api.coinbase.com/v2/user' } },
  kakao: { categories: ['social', 'identity'], oauth: { userInfoUrl: 'https://kapi.kakao.com/v2/user/me' } },
  okta: {
    categories: ['identity'],
    oauth: {
      pkce: true,
      defaultScopes: oidcScopes,
      revokeUrl: 'https://[subdomain].okta.com/oauth2/v1/revoke',
      userInfoUrl: 'https://[subdomain].okta.com/oauth2/v1/userinfo',
    },
  },
  auth0: {
    categories: ['identity'],
    oauth: {
      pkce: true,
      defaultScopes: oidcScopes,
      revokeUrl: 'https://[subdomain].auth0.com/oauth/revoke',
      userInfoUrl: 'https://[subdomain].auth0.com/userinfo',
    },
  },
  keycloak: {
    categories: ['identity'],
    oauth: {
      pkce: true,
      defaultScopes: oidcScopes,
      revokeUrl: 'https://[subdomain]/protocol/openid-connect/revoke',
      userInfoUrl: 'https://[subdomain]/protocol/openid-connect/userinfo',
    },
  },
  authentik: {
    categories: ['identity'],
    oauth: {
      pkce: true,
      defaultScopes: oidcScopes,
      revokeUrl: 'https://[subdomain]/application/o/revoke/',
      userInfoUrl: 'https://[subdomain]/application/o/userinfo/',
    },
  },
  cognito: {
    categories: ['identity'],
    oauth: {
      pkce: true,
      defaultScopes: oidcScopes,
      revokeUrl: 'https://[subdomain]/oauth2/revoke',
      userInfoUrl: 'https://[subdomain]/oauth2/userInfo',
    },
  },
  fusionauth: {
    categories: ['identity'],
    oauth: { pkce: true, defaultScopes: oidcScopes, userInfoUrl: 'https://[subdomain]/oauth2/userinfo' },
  },
  logingov: { categories: ['identity'], oauth: { pkce: true } },
  mastodon: {
    categories: ['social'],
    oauth: {
      revokeUrl: 'https://[subdomain]/oauth/revoke',
      userInfoUrl: 'https://[subdomain]/api/v1/accounts/verify_credentials',
    },
  },
  shopify: { categories: ['e-commerce'] },
  stripe: { categories: ['payments'] },
  paypal: { categories: ['payments'] },
  square: { categories: ['payments', 'e-commerce'] },
  mailchimp: { categories: ['marketing', 'email'] },
  zendesk: { categories: ['support'] },
  trello: { categories: ['project-management'] },
  todoist: { categories: ['productivity'] },
  typeform: { categories: ['forms'] },
  vercel: { categories: ['cloud', 'developer-tools'] },
  netlify: { categories: ['cloud', 'developer-tools'] },
  docusign: { categories: ['documents'] },
  intuit: { categories: ['accounting'] },
  xero: { categories: ['accounting'] },
  eventbrite: { categories: ['marketing'] },
};
