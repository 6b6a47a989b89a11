import { oidcScopes, oidcUserinfo, type OAuthProviderOverride } from './oauth-override-kit.js';

/**
 * The most used providers, audited one by one: authorize parameters, PKCE, refresh, revocation,
 * API base and identity. Evidence is cited per provider (see oauth-override-kit.ts).
 */
export const topProviderOverrides: Readonly<Record<string, OAuthProviderOverride>> = {
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
  // (not RFC 7009), so no revokeUrl. read:user + user:email let /user and /user/emails answer; `scope` is
  // space-delimited (grant joins with commas, which GitHub also takes).
  github: {
    categories: ['developer-tools'],
    oauth: { scopeDelimiter: ' ', defaultScopes: ['read:user', 'user:email'], userInfoUrl: 'https://api.github.com/user' },
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
  // scopes, space-separated (ArcadeAI/docs#587, omniauth-figma-oauth2). PKCE stays on: [nango] disables it, but
  // oomol-lab/open-connector#296 enabled it against Figma.
  figma: {
    categories: ['design'],
    oauth: {
      scopeDelimiter: ' ',
      tokenUrl: 'https://api.figma.com/v1/oauth/token',
      refreshUrl: 'https://api.figma.com/v1/oauth/refresh',
      tokenAuthMethod: 'client_secret_basic',
      defaultScopes: ['current_user:read', 'file_content:read'],
      userInfoUrl: 'https://api.figma.com/v1/me',
    },
    apiBaseUrl: 'https://api.figma.com/v1',
    identity: { from: 'endpoint', url: 'https://api.figma.com/v1/me', id: 'id', email: 'email', name: 'handle' },
  },
};
