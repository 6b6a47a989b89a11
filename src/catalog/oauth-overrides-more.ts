import { oidcScopes, oidcUserinfo, type OAuthProviderOverride } from './oauth-override-kit.js';

/**
 * The other providers grant knows that needed a correction or an addition. Evidence is cited
 * per provider (see oauth-override-kit.ts).
 */
export const moreProviderOverrides: Readonly<Record<string, OAuthProviderOverride>> = {
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
