import type { IdentityInput, MetadataInput, OAuthSettingsInput } from './schema.js';

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

const oidcScopes = ['openid', 'profile', 'email'];

/** The OpenID Connect userinfo claims every OIDC provider answers with. */
export function oidcUserinfo(url: string): IdentityInput {
  return { from: 'endpoint', url, id: 'sub', email: 'email', name: 'name|preferred_username|nickname' };
}

/**
 * Evidence used below, cited per provider:
 * - [doc] the provider's own OAuth / API documentation (as of 2025-2026);
 * - [nango] NangoHQ/nango `packages/providers/providers.yaml` (npm @nangohq/providers 0.71.10): PKCE is on there
 *   unless `disable_pkce`, so a provider it uses without `disable_pkce` accepts a code challenge;
 * - [grant] grant's own `config/oauth.json` / `config/profile.json` / `lib/flow/oauth2.js`;
 * - issue threads named by repository and number.
 * PKCE: on for every OAuth 2 provider (unknown parameters are ignored by RFC 6749 §3.1/§3.2 servers); a `pkceOptOut`
 * names the evidence that the provider rejects it.
 */
export const oauthOverrides: Readonly<Record<string, OAuthProviderOverride>> = {
  // Google [doc developers.google.com/identity/protocols/oauth2/web-server, [nango] google]: offline access needs
  // access_type=offline, and a refresh token is only re-issued with prompt=consent; include_granted_scopes enables
  // incremental authorization. PKCE S256 supported. Issuer per the discovery document. RFC 7009-style revoke.
  google: {
    categories: ['productivity', 'email', 'calendar', 'file-storage'],
    oauth: {
      defaultScopes: oidcScopes,
      issuer: 'https://accounts.google.com',
      authorizeParams: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
      revokeUrl: 'https://oauth2.googleapis.com/revoke',
      userInfoUrl: 'https://openidconnect.googleapis.com/v1/userinfo',
    },
    apiBaseUrl: 'https://www.googleapis.com',
    identity: oidcUserinfo('https://openidconnect.googleapis.com/v1/userinfo'),
  },
  // Microsoft identity platform v2, `common` tenant [doc learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow]:
  // PKCE is "recommended for all application types", confidential web apps included, so it stays on although
  // [nango] disables it for Microsoft. offline_access yields the refresh token; User.Read lets Graph /me answer.
  // No fixed issuer: on `common` it names the user's tenant (https://login.microsoftonline.com/{tid}/v2.0).
  // No RFC 7009 revocation endpoint exists.
  microsoft: {
    categories: ['productivity', 'email', 'calendar', 'file-storage'],
    oauth: {
      defaultScopes: [...oidcScopes, 'offline_access', 'User.Read'],
      userInfoUrl: 'https://graph.microsoft.com/oidc/userinfo',
    },
    apiBaseUrl: 'https://graph.microsoft.com/v1.0',
    identity: { from: 'endpoint', url: 'https://graph.microsoft.com/v1.0/me', id: 'id', email: 'mail|userPrincipalName', name: 'displayName' },
  },
  // GitHub OAuth apps [doc docs.github.com/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps]: PKCE S256
  // supported since 2025; no refresh tokens for OAuth apps; revocation is DELETE /applications/{client_id}/grant
  // (not RFC 7009), so no revokeUrl. read:user + user:email let /user and /user/emails answer.
  github: {
    categories: ['developer-tools'],
    oauth: { defaultScopes: ['read:user', 'user:email'], userInfoUrl: 'https://api.github.com/user' },
    apiBaseUrl: 'https://api.github.com',
    identity: { from: 'endpoint', url: 'https://api.github.com/user', id: 'id', email: 'email', name: 'name|login' },
  },
  // GitLab [doc docs.gitlab.com/api/oauth2]: PKCE supported, RFC 7009 /oauth/revoke, OIDC issuer https://gitlab.com.
  gitlab: {
    categories: ['developer-tools'],
    oauth: {
      issuer: 'https://gitlab.com',
      revokeUrl: 'https://gitlab.com/oauth/revoke',
      userInfoUrl: 'https://gitlab.com/api/v4/user',
    },
    apiBaseUrl: 'https://gitlab.com/api/v4',
    identity: { from: 'endpoint', url: 'https://gitlab.com/api/v4/user', id: 'id', email: 'email|public_email', name: 'name|username' },
  },
  bitbucket: {
    categories: ['developer-tools'],
    oauth: { userInfoUrl: 'https://api.bitbucket.org/2.0/user' },
    apiBaseUrl: 'https://api.bitbucket.org/2.0',
    identity: { from: 'endpoint', url: 'https://api.bitbucket.org/2.0/user', id: 'uuid', name: 'display_name|username' },
  },
  twitter: {
    categories: ['social'],
    oauth: { userInfoUrl: 'https://api.twitter.com/1.1/account/verify_credentials.json' },
    apiBaseUrl: 'https://api.twitter.com',
    identity: { from: 'endpoint', url: 'https://api.twitter.com/1.1/account/verify_credentials.json', id: 'id_str', name: 'name|screen_name' },
  },
  // X OAuth 2 [doc docs.x.com/resources/fundamentals/authentication/oauth-2-0/user-access-token]: PKCE required,
  // offline.access for refresh tokens, confidential clients authenticate with Basic ([grant] does so too).
  twitter2: {
    categories: ['social'],
    oauth: {
      defaultScopes: ['tweet.read', 'users.read', 'offline.access'],
      revokeUrl: 'https://api.twitter.com/2/oauth2/revoke',
      userInfoUrl: 'https://api.twitter.com/2/users/me',
    },
    apiBaseUrl: 'https://api.twitter.com/2',
    identity: { from: 'endpoint', url: 'https://api.twitter.com/2/users/me', id: 'data.id', name: 'data.name|data.username' },
  },
  // LinkedIn [doc learn.microsoft.com/linkedin/shared/authentication/authorization-code-flow]: PKCE is only for
  // native apps; a web app's exchange fails with 401 invalid_client when code_verifier is sent
  // (UsefulSoftwareCo/executor#2087, teamhanko/hanko#2405; [nango] disable_pkce).
  linkedin: {
    categories: ['social'],
    oauth: {
      defaultScopes: oidcScopes,
      pkceOptOut: 'token endpoint answers 401 invalid_client when a web app sends code_verifier (PKCE is for native apps only)',
      issuer: 'https://www.linkedin.com/oauth',
      userInfoUrl: 'https://api.linkedin.com/v2/userinfo',
    },
    apiBaseUrl: 'https://api.linkedin.com/v2',
    identity: oidcUserinfo('https://api.linkedin.com/v2/userinfo'),
  },
  // Facebook Login: the dialog drops code_challenge, then the exchange fails with "code_verifier param is provided
  // without a code_challenge in authorization request" (NangoHQ/nango#7156).
  facebook: {
    categories: ['social', 'marketing'],
    oauth: {
      pkceOptOut: 'the login dialog discards code_challenge and the token endpoint then rejects code_verifier',
      userInfoUrl: 'https://graph.facebook.com/me',
    },
    apiBaseUrl: 'https://graph.facebook.com',
    identity: { from: 'endpoint', url: 'https://graph.facebook.com/me?fields=id,name,email', id: 'id', email: 'email', name: 'name' },
  },
  // Instagram API with Instagram Login [doc developers.facebook.com/docs/instagram-platform; [nango] instagram]:
  // Basic Display (grant's api.instagram.com/oauth/authorize) was retired in December 2024.
  instagram: {
    categories: ['social'],
    oauth: { authorizeUrl: 'https://www.instagram.com/oauth/authorize' },
    apiBaseUrl: 'https://graph.instagram.com',
    identity: { from: 'endpoint', url: 'https://graph.instagram.com/me?fields=user_id,username', id: 'user_id|id', name: 'username' },
  },
  reddit: {
    categories: ['social'],
    oauth: {
      authorizeParams: { duration: 'permanent' },
      revokeUrl: 'https://www.reddit.com/api/v1/revoke_token',
      userInfoUrl: 'https://oauth.reddit.com/api/v1/me',
    },
    apiBaseUrl: 'https://oauth.reddit.com',
    identity: { from: 'endpoint', url: 'https://oauth.reddit.com/api/v1/me', id: 'id', name: 'name' },
  },
  // Discord [doc discord.com/developers/docs/topics/oauth2]: PKCE accepted (verifier ≥ 43 chars, discord-api-docs#5254),
  // RFC 7009 revoke, identify/email scopes for /users/@me.
  discord: {
    categories: ['communication'],
    oauth: {
      defaultScopes: ['identify', 'email'],
      revokeUrl: 'https://discord.com/api/oauth2/token/revoke',
      userInfoUrl: 'https://discord.com/api/users/@me',
    },
    apiBaseUrl: 'https://discord.com/api/v10',
    identity: { from: 'endpoint', url: 'https://discord.com/api/v10/users/@me', id: 'id', email: 'email', name: 'global_name|username' },
  },
  // Slack v2 [doc docs.slack.dev/authentication/installing-with-oauth; [nango] slack]: /oauth/v2/authorize and
  // oauth.v2.access replace the deprecated v1 pair; bot scopes go in `scope`, user scopes in `user_scope`; a
  // user-token-only install answers with the token under `authed_user`. PKCE: not documented for confidential
  // apps, and Nango had to turn it off for Slack (NangoHQ/nango#4640, "fix(slack): disable pkce").
  // auth.revoke takes the token as bearer (not RFC 7009), so no revokeUrl.
  slack: {
    categories: ['communication'],
    oauth: {
      authorizeUrl: 'https://slack.com/oauth/v2/authorize',
      tokenUrl: 'https://slack.com/api/oauth.v2.access',
      scopeDelimiter: ',',
      defaultScopes: ['channels:read', 'chat:write', 'users:read'],
      userScopeParam: 'user_scope',
      defaultUserScopes: [],
      tokenResponse: {
        accessToken: 'authed_user.access_token',
        refreshToken: 'authed_user.refresh_token',
        expiresIn: 'authed_user.expires_in',
        scope: 'authed_user.scope',
      },
      pkceOptOut: 'Slack documents no PKCE for confidential apps and Nango had to turn it off (NangoHQ/nango#4640)',
    },
    apiBaseUrl: 'https://slack.com/api',
    identity: { from: 'endpoint', url: 'https://slack.com/api/auth.test', id: 'user_id', name: 'user' },
  },
  // Zoom [doc developers.zoom.us/docs/integrations/oauth]: the token request must carry HTTP Basic client
  // credentials; PKCE supported; /oauth/revoke takes `token` (RFC 7009 shape).
  zoom: {
    categories: ['communication', 'video'],
    oauth: {
      tokenAuthMethod: 'client_secret_basic',
      revokeUrl: 'https://zoom.us/oauth/revoke',
      userInfoUrl: 'https://api.zoom.us/v2/users/me',
    },
    apiBaseUrl: 'https://api.zoom.us/v2',
    identity: { from: 'endpoint', url: 'https://api.zoom.us/v2/users/me', id: 'id', email: 'email', name: 'display_name|first_name' },
  },
  // Twitch [doc dev.twitch.tv/docs/authentication]: Helix calls carry Client-Id besides the bearer token;
  // RFC 7009-style revoke; PKCE accepted ([nango] twitch).
  twitch: {
    categories: ['video', 'social'],
    oauth: {
      revokeUrl: 'https://id.twitch.tv/oauth2/revoke',
      userInfoUrl: 'https://id.twitch.tv/oauth2/userinfo',
      apiAuth: { headers: { Authorization: 'Bearer {accessToken}', 'Client-Id': '{clientId}' } },
    },
    apiBaseUrl: 'https://api.twitch.tv/helix',
    identity: { from: 'endpoint', url: 'https://api.twitch.tv/helix/users', id: 'data.0.id', email: 'data.0.email', name: 'data.0.display_name' },
  },
  // Spotify [doc developer.spotify.com/documentation/web-api/tutorials/code-flow]: the token request carries
  // `Authorization: Basic`; PKCE supported; user-read-email/private for /me.
  spotify: {
    categories: ['music'],
    oauth: {
      tokenAuthMethod: 'client_secret_basic',
      defaultScopes: ['user-read-email', 'user-read-private'],
      userInfoUrl: 'https://api.spotify.com/v1/me',
    },
    apiBaseUrl: 'https://api.spotify.com/v1',
    identity: { from: 'endpoint', url: 'https://api.spotify.com/v1/me', id: 'id', email: 'email', name: 'display_name' },
  },
  // Dropbox [doc developers.dropbox.com/oauth-guide; [nango] dropbox]: token_access_type=offline is what yields a
  // refresh token; scopes space-separated; PKCE supported. Revocation is POST /2/auth/token/revoke with the token as
  // bearer (not RFC 7009). users/get_current_account is a POST without arguments.
  dropbox: {
    categories: ['file-storage'],
    oauth: {
      scopeDelimiter: ' ',
      defaultScopes: ['account_info.read', 'files.metadata.read', 'files.content.read'],
      authorizeParams: { token_access_type: 'offline' },
      userInfoUrl: 'https://api.dropboxapi.com/2/users/get_current_account',
    },
    apiBaseUrl: 'https://api.dropboxapi.com/2',
    identity: {
      from: 'endpoint',
      method: 'POST',
      url: 'https://api.dropboxapi.com/2/users/get_current_account',
      id: 'account_id',
      email: 'email',
      name: 'name.display_name',
    },
  },
  // Box [doc developer.box.com/guides/authentication/oauth2; [nango] box]: the authorize page is on account.box.com;
  // RFC 7009-style revoke; refresh tokens rotate.
  box: {
    categories: ['file-storage'],
    oauth: {
      authorizeUrl: 'https://account.box.com/api/oauth2/authorize',
      revokeUrl: 'https://api.box.com/oauth2/revoke',
      userInfoUrl: 'https://api.box.com/2.0/users/me',
    },
    apiBaseUrl: 'https://api.box.com/2.0',
    identity: { from: 'endpoint', url: 'https://api.box.com/2.0/users/me', id: 'id', email: 'login', name: 'name' },
  },
  // Salesforce [doc help.salesforce.com "OAuth 2.0 Web Server Flow"; [nango] salesforce]: `refresh_token` scope for
  // refresh, PKCE supported, RFC 7009 revoke; the API host is the org's, returned as instance_url in the token
  // response. login.salesforce.com is production; sandboxes use test.salesforce.com (a custom toolkit).
  salesforce: {
    categories: ['crm'],
    oauth: {
      defaultScopes: ['api', 'refresh_token', 'openid'],
      issuer: 'https://login.salesforce.com',
      revokeUrl: 'https://login.salesforce.com/services/oauth2/revoke',
      userInfoUrl: 'https://login.salesforce.com/services/oauth2/userinfo',
    },
    metadata: [{ field: 'instanceUrl', path: 'instance_url' }],
    apiBaseUrl: '[instanceUrl]/services/data/v62.0',
    identity: { from: 'endpoint', url: 'https://login.salesforce.com/services/oauth2/userinfo', id: 'user_id|sub', email: 'email', name: 'name' },
  },
  // Atlassian 3LO [doc developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps; [nango] atlassian]:
  // audience=api.atlassian.com and prompt=consent are required, offline_access yields the rotating refresh token,
  // and API calls go through api.atlassian.com/ex/jira/{cloudId}, the cloud id coming from accessible-resources.
  atlassian: {
    categories: ['project-management', 'developer-tools'],
    oauth: {
      defaultScopes: ['offline_access', 'read:me', 'read:jira-user', 'read:jira-work'],
      authorizeParams: { audience: 'api.atlassian.com', prompt: 'consent' },
      userInfoUrl: 'https://api.atlassian.com/me',
    },
    metadata: [{ field: 'cloudId', url: 'https://api.atlassian.com/oauth/token/accessible-resources', path: '0.id' }],
    apiBaseUrl: 'https://api.atlassian.com/ex/jira/[cloudId]',
    identity: { from: 'endpoint', url: 'https://api.atlassian.com/me', id: 'account_id', email: 'email', name: 'name|nickname' },
  },
  // Asana [doc developers.asana.com/docs/oauth]: PKCE supported, `default` scope for full access, revoke endpoint.
  asana: {
    categories: ['project-management'],
    oauth: {
      defaultScopes: ['default'],
      revokeUrl: 'https://app.asana.com/-/oauth_revoke',
      userInfoUrl: 'https://app.asana.com/api/1.0/users/me',
    },
    apiBaseUrl: 'https://app.asana.com/api/1.0',
    identity: { from: 'endpoint', url: 'https://app.asana.com/api/1.0/users/me', id: 'data.gid', email: 'data.email', name: 'data.name' },
  },
  // Notion [doc developers.notion.com/docs/authorization; [nango] notion]: the token endpoint takes HTTP Basic
  // client credentials ([grant] does so for notion), owner=user, and every API call needs a Notion-Version header.
  // PKCE on ([nango] notion leaves it on).
  notion: {
    categories: ['productivity', 'documents'],
    oauth: {
      tokenAuthMethod: 'client_secret_basic',
      authorizeParams: { owner: 'user' },
      userInfoUrl: 'https://api.notion.com/v1/users/me',
      apiAuth: { headers: { Authorization: 'Bearer {accessToken}', 'Notion-Version': '2022-06-28' } },
    },
    apiBaseUrl: 'https://api.notion.com/v1',
    identity: {
      from: 'endpoint',
      url: 'https://api.notion.com/v1/users/me',
      id: 'bot.owner.user.id|id',
      email: 'bot.owner.user.person.email',
      name: 'bot.owner.user.name|bot.workspace_name|name',
    },
  },
  // Figma [doc developers.figma.com/docs/rest-api/oauth; NangoHQ/nango#3618]: since 2025 the token and refresh
  // endpoints live on api.figma.com/v1 and take HTTP Basic client credentials; files:read gave way to granular
  // scopes. PKCE stays on: [nango] disables it, but oomol-lab/open-connector#296 enabled it against Figma.
  figma: {
    categories: ['design'],
    oauth: {
      tokenUrl: 'https://api.figma.com/v1/oauth/token',
      refreshUrl: 'https://api.figma.com/v1/oauth/refresh',
      tokenAuthMethod: 'client_secret_basic',
      defaultScopes: ['current_user:read', 'file_content:read'],
      userInfoUrl: 'https://api.figma.com/v1/me',
    },
    apiBaseUrl: 'https://api.figma.com/v1',
    identity: { from: 'endpoint', url: 'https://api.figma.com/v1/me', id: 'id', email: 'email', name: 'handle' },
  },
  digitalocean: {
    categories: ['cloud', 'developer-tools'],
    oauth: {
      revokeUrl: 'https://cloud.digitalocean.com/v1/oauth/revoke',
      userInfoUrl: 'https://api.digitalocean.com/v2/account',
    },
    apiBaseUrl: 'https://api.digitalocean.com/v2',
    identity: { from: 'endpoint', url: 'https://api.digitalocean.com/v2/account', id: 'account.uuid', email: 'account.email', name: 'account.name' },
  },
  heroku: {
    categories: ['cloud', 'developer-tools'],
    oauth: {
      userInfoUrl: 'https://api.heroku.com/account',
      apiAuth: { headers: { Authorization: 'Bearer {accessToken}', Accept: 'application/vnd.heroku+json; version=3' } },
    },
    apiBaseUrl: 'https://api.heroku.com',
    identity: { from: 'endpoint', url: 'https://api.heroku.com/account', id: 'id', email: 'email', name: 'name' },
  },
  fitbit: {
    categories: ['fitness'],
    oauth: {
      revokeUrl: 'https://api.fitbit.com/oauth2/revoke',
      userInfoUrl: 'https://api.fitbit.com/1/user/-/profile.json',
    },
    apiBaseUrl: 'https://api.fitbit.com',
    identity: { from: 'endpoint', url: 'https://api.fitbit.com/1/user/-/profile.json', id: 'user.encodedId', name: 'user.displayName' },
  },
  strava: {
    categories: ['fitness'],
    oauth: { userInfoUrl: 'https://www.strava.com/api/v3/athlete' },
    apiBaseUrl: 'https://www.strava.com/api/v3',
    identity: { from: 'endpoint', url: 'https://www.strava.com/api/v3/athlete', id: 'id', name: 'username|firstname' },
  },
  line: {
    categories: ['communication', 'social'],
    oauth: {
      issuer: 'https://access.line.me',
      revokeUrl: 'https://api.line.me/oauth2/v2.1/revoke',
      userInfoUrl: 'https://api.line.me/oauth2/v2.1/userinfo',
    },
    apiBaseUrl: 'https://api.line.me',
    identity: { from: 'endpoint', url: 'https://api.line.me/v2/profile', id: 'userId', name: 'displayName' },
  },
  yahoo: {
    categories: ['email'],
    oauth: { issuer: 'https://api.login.yahoo.com', userInfoUrl: 'https://api.login.yahoo.com/openid/v1/userinfo' },
    identity: oidcUserinfo('https://api.login.yahoo.com/openid/v1/userinfo'),
  },
  amazon: {
    categories: ['identity', 'e-commerce'],
    oauth: { defaultScopes: ['profile'], userInfoUrl: 'https://api.amazon.com/user/profile' },
    apiBaseUrl: 'https://api.amazon.com',
    identity: { from: 'endpoint', url: 'https://api.amazon.com/user/profile', id: 'user_id', email: 'email', name: 'name' },
  },
  // Sign in with Apple [doc developer.apple.com/documentation/sign_in_with_apple]: identity only (the id_token);
  // requesting name/email forces response_mode=form_post, a POST callback, so no default scopes here.
  apple: {
    categories: ['identity'],
    oauth: { issuer: 'https://appleid.apple.com', revokeUrl: 'https://appleid.apple.com/auth/revoke' },
  },
  patreon: {
    categories: ['payments', 'social'],
    oauth: { userInfoUrl: 'https://www.patreon.com/api/oauth2/v2/identity' },
    apiBaseUrl: 'https://www.patreon.com/api/oauth2/v2',
    identity: { from: 'endpoint', url: 'https://www.patreon.com/api/oauth2/v2/identity?fields%5Buser%5D=email,full_name', id: 'data.id', email: 'data.attributes.email', name: 'data.attributes.full_name' },
  },
  coinbase: {
    categories: ['finance', 'payments'],
    oauth: { userInfoUrl: 'https://api.coinbase.com/v2/user' },
    apiBaseUrl: 'https://api.coinbase.com/v2',
    identity: { from: 'endpoint', url: 'https://api.coinbase.com/v2/user', id: 'data.id', email: 'data.email', name: 'data.name' },
  },
  kakao: {
    categories: ['social', 'identity'],
    oauth: { userInfoUrl: 'https://kapi.kakao.com/v2/user/me' },
    apiBaseUrl: 'https://kapi.kakao.com',
    identity: { from: 'endpoint', url: 'https://kapi.kakao.com/v2/user/me', id: 'id', email: 'kakao_account.email', name: 'kakao_account.profile.nickname' },
  },
  okta: {
    categories: ['identity'],
    oauth: {
      defaultScopes: oidcScopes,
      issuer: 'https://[subdomain].okta.com',
      revokeUrl: 'https://[subdomain].okta.com/oauth2/v1/revoke',
      userInfoUrl: 'https://[subdomain].okta.com/oauth2/v1/userinfo',
    },
    apiBaseUrl: 'https://[subdomain].okta.com/api/v1',
    identity: oidcUserinfo('https://[subdomain].okta.com/oauth2/v1/userinfo'),
  },
  auth0: {
    categories: ['identity'],
    oauth: {
      defaultScopes: oidcScopes,
      issuer: 'https://[subdomain].auth0.com/',
      revokeUrl: 'https://[subdomain].auth0.com/oauth/revoke',
      userInfoUrl: 'https://[subdomain].auth0.com/userinfo',
    },
    apiBaseUrl: 'https://[subdomain].auth0.com',
    identity: oidcUserinfo('https://[subdomain].auth0.com/userinfo'),
  },
  keycloak: {
    categories: ['identity'],
    oauth: {
      defaultScopes: oidcScopes,
      issuer: 'https://[subdomain]',
      revokeUrl: 'https://[subdomain]/protocol/openid-connect/revoke',
      userInfoUrl: 'https://[subdomain]/protocol/openid-connect/userinfo',
    },
    identity: oidcUserinfo('https://[subdomain]/protocol/openid-connect/userinfo'),
  },
  authentik: {
    categories: ['identity'],
    oauth: {
      defaultScopes: oidcScopes,
      revokeUrl: 'https://[subdomain]/application/o/revoke/',
      userInfoUrl: 'https://[subdomain]/application/o/userinfo/',
    },
    apiBaseUrl: 'https://[subdomain]/api/v3',
    identity: oidcUserinfo('https://[subdomain]/application/o/userinfo/'),
  },
  cognito: {
    categories: ['identity'],
    oauth: {
      defaultScopes: oidcScopes,
      revokeUrl: 'https://[subdomain]/oauth2/revoke',
      userInfoUrl: 'https://[subdomain]/oauth2/userInfo',
    },
    identity: oidcUserinfo('https://[subdomain]/oauth2/userInfo'),
  },
  fusionauth: {
    categories: ['identity'],
    oauth: { defaultScopes: oidcScopes, userInfoUrl: 'https://[subdomain]/oauth2/userinfo' },
    identity: oidcUserinfo('https://[subdomain]/oauth2/userinfo'),
  },
  logingov: { categories: ['identity'], oauth: { defaultScopes: ['openid', 'email'] }, identity: { from: 'id_token' } },
  mastodon: {
    categories: ['social'],
    oauth: {
      defaultScopes: ['read'],
      scopeDelimiter: ' ',
      revokeUrl: 'https://[subdomain]/oauth/revoke',
      userInfoUrl: 'https://[subdomain]/api/v1/accounts/verify_credentials',
    },
    apiBaseUrl: 'https://[subdomain]/api/v1',
    identity: { from: 'endpoint', url: 'https://[subdomain]/api/v1/accounts/verify_credentials', id: 'id', name: 'display_name|username' },
  },
  // Shopify [doc shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant]:
  // Admin API calls carry X-Shopify-Access-Token (not Bearer).
  shopify: {
    categories: ['e-commerce'],
    oauth: { apiAuth: { headers: { 'X-Shopify-Access-Token': '{accessToken}' } } },
    apiBaseUrl: 'https://[subdomain].myshopify.com/admin/api',
  },
  stripe: { categories: ['payments'], apiBaseUrl: 'https://api.stripe.com/v1' },
  paypal: { categories: ['payments'], apiBaseUrl: 'https://api-m.paypal.com' },
  // Square [[nango] squareup disable_pkce; doc developer.squareup.com/docs/oauth-api/overview]: PKCE is Square's
  // flow for public clients without a secret; a code-flow exchange carrying both is refused.
  square: {
    categories: ['payments', 'e-commerce'],
    oauth: { pkceOptOut: 'PKCE is reserved for public (secretless) clients; Nango disables it for Square (disable_pkce)' },
    apiBaseUrl: 'https://connect.squareup.com/v2',
  },
  // Mailchimp [doc mailchimp.com/developer/marketing/guides/access-user-data-oauth-2]: the data center (dc) of the
  // account comes from the metadata endpoint and prefixes the API host; tokens never expire.
  mailchimp: {
    categories: ['marketing', 'email'],
    metadata: [{ field: 'dc', url: 'https://login.mailchimp.com/oauth2/metadata', path: 'dc' }],
    apiBaseUrl: 'https://[dc].api.mailchimp.com/3.0',
    identity: { from: 'endpoint', url: 'https://login.mailchimp.com/oauth2/metadata', id: 'user_id', email: 'login.login_email|login.email', name: 'accountname' },
  },
  zendesk: { categories: ['support'], apiBaseUrl: 'https://[subdomain].zendesk.com/api/v2' },
  trello: { categories: ['project-management'], apiBaseUrl: 'https://api.trello.com/1' },
  todoist: {
    categories: ['productivity'],
    oauth: { defaultScopes: ['data:read_write'] },
    apiBaseUrl: 'https://api.todoist.com',
  },
  // Typeform: [nango] typeform sets disable_pkce.
  typeform: {
    categories: ['forms'],
    oauth: {
      defaultScopes: ['offline', 'accounts:read', 'forms:read', 'responses:read'],
      pkceOptOut: 'Nango disables PKCE for Typeform (disable_pkce in providers.yaml)',
    },
    apiBaseUrl: 'https://api.typeform.com',
    identity: { from: 'endpoint', url: 'https://api.typeform.com/me', id: 'user_id|alias', email: 'email', name: 'alias' },
  },
  vercel: { categories: ['cloud', 'developer-tools'], apiBaseUrl: 'https://api.vercel.com' },
  netlify: {
    categories: ['cloud', 'developer-tools'],
    apiBaseUrl: 'https://api.netlify.com/api/v1',
    identity: { from: 'endpoint', url: 'https://api.netlify.com/api/v1/user', id: 'id', email: 'email', name: 'full_name' },
  },
  docusign: {
    categories: ['documents'],
    oauth: {
      defaultScopes: ['signature', 'extended'],
      tokenAuthMethod: 'client_secret_basic',
      userInfoUrl: 'https://account.docusign.com/oauth/userinfo',
    },
    metadata: [{ field: 'baseUri', url: 'https://account.docusign.com/oauth/userinfo', path: 'accounts.0.base_uri' }],
    apiBaseUrl: '[baseUri]/restapi/v2.1',
    identity: { from: 'endpoint', url: 'https://account.docusign.com/oauth/userinfo', id: 'sub', email: 'email', name: 'name' },
  },
  // Intuit [doc developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0]:
  // PKCE accepted ([nango] intuit), RFC 7009 revoke, OIDC with openid scope. The company (realmId) arrives in the
  // callback query, so it is part of request paths, not of the base URL.
  intuit: {
    categories: ['accounting'],
    oauth: {
      defaultScopes: ['com.intuit.quickbooks.accounting', 'openid', 'email', 'profile'],
      tokenAuthMethod: 'client_secret_basic',
      issuer: 'https://oauth.platform.intuit.com/op/v1',
      revokeUrl: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
      userInfoUrl: 'https://accounts.platform.intuit.com/v1/openid_connect/userinfo',
    },
    apiBaseUrl: 'https://quickbooks.api.intuit.com/v3',
    identity: oidcUserinfo('https://accounts.platform.intuit.com/v1/openid_connect/userinfo'),
  },
  xero: { categories: ['accounting'] },
  eventbrite: {
    categories: ['marketing'],
    apiBaseUrl: 'https://www.eventbriteapi.com/v3',
    identity: { from: 'endpoint', url: 'https://www.eventbriteapi.com/v3/users/me/', id: 'id', email: 'emails.0.email', name: 'name' },
  },
  // Autodesk APS [[nango] autodesk disable_pkce]: confidential clients authenticate with Basic ([grant]).
  autodesk: {
    oauth: { pkceOptOut: 'Nango disables PKCE for Autodesk APS (disable_pkce in providers.yaml)' },
    apiBaseUrl: 'https://developer.api.autodesk.com',
    identity: { from: 'endpoint', url: 'https://api.userprofile.autodesk.com/userinfo', id: 'sub', email: 'email', name: 'name' },
  },
  // Constant Contact v3 [doc developer.constantcontact.com/api_guide/server_flow.html; [nango] constant-contact]:
  // grant still points at the retired v2 (oauth2.constantcontact.com) endpoints; v3 needs offline_access for a
  // refresh token; [nango] disables PKCE for it.
  constantcontact: {
    categories: ['marketing', 'email'],
    oauth: {
      authorizeUrl: 'https://authz.constantcontact.com/oauth2/default/v1/authorize',
      tokenUrl: 'https://authz.constantcontact.com/oauth2/default/v1/token',
      scopeDelimiter: ' ',
      defaultScopes: ['account_read', 'contact_data', 'offline_access'],
      tokenAuthMethod: 'client_secret_basic',
      pkceOptOut: 'Nango disables PKCE for Constant Contact v3 (disable_pkce in providers.yaml)',
    },
    apiBaseUrl: 'https://api.cc.email/v3',
    identity: { from: 'endpoint', url: 'https://api.cc.email/v3/account/summary', id: 'encoded_account_id', email: 'contact_email', name: 'organization_name' },
  },
  // Snapchat [[nango] snapchat disable_pkce].
  snapchat: {
    oauth: { pkceOptOut: 'Nango disables PKCE for Snapchat (disable_pkce in providers.yaml)' },
    apiBaseUrl: 'https://adsapi.snapchat.com/v1',
    identity: { from: 'endpoint', url: 'https://adsapi.snapchat.com/v1/me', id: 'me.id', email: 'me.email', name: 'me.display_name' },
  },
  // SurveyMonkey [[nango] survey-monkey disable_pkce].
  surveymonkey: {
    categories: ['forms'],
    oauth: { pkceOptOut: 'Nango disables PKCE for SurveyMonkey (disable_pkce in providers.yaml)' },
    apiBaseUrl: 'https://api.surveymonkey.com/v3',
    identity: { from: 'endpoint', url: 'https://api.surveymonkey.com/v3/users/me', id: 'id', email: 'email', name: 'username' },
  },
  // Timely [[nango] timely disable_pkce].
  timelyapp: {
    oauth: { pkceOptOut: 'Nango disables PKCE for Timely (disable_pkce in providers.yaml)' },
    apiBaseUrl: 'https://api.timelyapp.com/1.1',
  },
  // Trustpilot [[nango] trustpilot disable_pkce]; Basic client authentication ([grant]).
  trustpilot: {
    oauth: { pkceOptOut: 'Nango disables PKCE for Trustpilot (disable_pkce in providers.yaml)' },
    apiBaseUrl: 'https://api.trustpilot.com/v1',
  },
  // Lightspeed Retail X-Series, formerly Vend [[nango] lightspeed-retail disable_pkce].
  vend: {
    categories: ['e-commerce'],
    oauth: { pkceOptOut: 'Nango disables PKCE for Lightspeed Retail (disable_pkce in providers.yaml)' },
    apiBaseUrl: 'https://[subdomain].vendhq.com/api/2.0',
  },
  // Pinterest API v5 [doc developers.pinterest.com/docs/getting-started/authentication; [nango] pinterest]: the v1
  // token endpoint grant names is gone; v5 authenticates the client with Basic.
  pinterest: {
    categories: ['social'],
    oauth: {
      authorizeUrl: 'https://www.pinterest.com/oauth/',
      tokenUrl: 'https://api.pinterest.com/v5/oauth/token',
      tokenAuthMethod: 'client_secret_basic',
      defaultScopes: ['user_accounts:read', 'boards:read', 'pins:read'],
    },
    apiBaseUrl: 'https://api.pinterest.com/v5',
    identity: { from: 'endpoint', url: 'https://api.pinterest.com/v5/user_account', id: 'id|username', name: 'username' },
  },
  // Harvest v2 [doc help.getharvest.com/api-v2/authentication-api/authentication/authentication; [nango] harvest]:
  // OAuth moved to id.getharvest.com; every call needs the Harvest-Account-Id header.
  harvest: {
    oauth: {
      authorizeUrl: 'https://id.getharvest.com/oauth2/authorize',
      tokenUrl: 'https://id.getharvest.com/api/v2/oauth2/token',
      apiAuth: { headers: { Authorization: 'Bearer {accessToken}', 'Harvest-Account-Id': '{accountId}' } },
    },
    metadata: [{ field: 'accountId', url: 'https://id.getharvest.com/api/v2/accounts', path: 'accounts.0.id' }],
    apiBaseUrl: 'https://api.harvestapp.com/v2',
    identity: { from: 'endpoint', url: 'https://id.getharvest.com/api/v2/accounts', id: 'user.id', email: 'user.email', name: 'user.first_name' },
  },
  // Wrike [doc developers.wrike.com/oauth-20-authorization; [nango] wrike]: authorize on login.wrike.com; the
  // account's API host comes back as `host` in the token response.
  wrike: {
    categories: ['project-management'],
    oauth: {
      authorizeUrl: 'https://login.wrike.com/oauth2/authorize/v4',
      tokenUrl: 'https://login.wrike.com/oauth2/token',
    },
    metadata: [{ field: 'host', path: 'host' }],
    apiBaseUrl: 'https://[host]/api/v4',
  },
  // Basecamp [doc github.com/basecamp/api/blob/master/sections/authentication.md]: the account id (path prefix of
  // the API) comes from launchpad's authorization.json.
  basecamp: {
    categories: ['project-management'],
    metadata: [{ field: 'accountId', url: 'https://launchpad.37signals.com/authorization.json', path: 'accounts.0.id' }],
    apiBaseUrl: 'https://3.basecampapi.com/[accountId]',
    identity: {
      from: 'endpoint',
      url: 'https://launchpad.37signals.com/authorization.json',
      id: 'identity.id',
      email: 'identity.email_address',
      name: 'identity.first_name',
    },
  },
};
