import type { CatalogToolkitInput, IdentityInput, OAuthSettingsInput } from './schema.js';

/**
 * Hand-written OAuth toolkits that grant lacks or that are one product of a provider (Gmail, not "Google"): the
 * third catalog source. Slugs may not collide with grant's; a same-slug API-key toolkit is merged onto them.
 * Each entry names what it was checked against: [doc] the provider's documentation, [nango] NangoHQ/nango
 * providers.yaml (npm @nangohq/providers 0.71.10; PKCE on unless disable_pkce).
 */

const oidcScopes = ['openid', 'email', 'profile'];

// Google [doc developers.google.com/identity/protocols/oauth2/web-server, accounts.google.com/.well-known/openid-configuration;
// [nango] google-mail/google-calendar/google-drive/google-sheet/google-docs alias google]: access_type=offline for a
// refresh token, prompt=consent so re-connecting yields a new one, include_granted_scopes for incremental
// authorization; PKCE S256 supported; revocation at oauth2.googleapis.com/revoke; OIDC userinfo for identity.
const googleIdentity: IdentityInput = {
  from: 'endpoint',
  url: 'https://openidconnect.googleapis.com/v1/userinfo',
  id: 'sub',
  email: 'email',
  name: 'name',
};

function googleOAuth(scopes: string[]): OAuthSettingsInput {
  return {
    version: 2,
    authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    revokeUrl: 'https://oauth2.googleapis.com/revoke',
    userInfoUrl: 'https://openidconnect.googleapis.com/v1/userinfo',
    issuer: 'https://accounts.google.com',
    defaultScopes: [...oidcScopes, ...scopes.map((scope) => `https://www.googleapis.com/auth/${scope}`)],
    scopeDelimiter: ' ',
    authorizeParams: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
  };
}

// Microsoft identity platform v2 on the `common` tenant [doc learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow,
// learn.microsoft.com/graph/permissions-reference]: offline_access for the refresh token, openid profile email for
// sign-in, Graph delegated permissions by short name; PKCE recommended for web apps too (kept on although [nango]
// disables it); no fixed issuer on `common` (it names the user's tenant); no RFC 7009 revocation endpoint.
const microsoftIdentity: IdentityInput = {
  from: 'endpoint',
  url: 'https://graph.microsoft.com/v1.0/me',
  id: 'id',
  email: 'mail|userPrincipalName',
  name: 'displayName',
};

function microsoftOAuth(scopes: string[]): OAuthSettingsInput {
  return {
    version: 2,
    authorizeUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    userInfoUrl: 'https://graph.microsoft.com/oidc/userinfo',
    defaultScopes: ['openid', 'profile', 'email', 'offline_access', 'User.Read', ...scopes],
    scopeDelimiter: ' ',
  };
}

// Atlassian 3LO [doc developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps; [nango] jira/confluence]:
// audience + prompt=consent required, offline_access for rotating refresh tokens, cloud id from accessible-resources.
function atlassianOAuth(scopes: string[]): OAuthSettingsInput {
  return {
    version: 2,
    authorizeUrl: 'https://auth.atlassian.com/authorize',
    tokenUrl: 'https://auth.atlassian.com/oauth/token',
    userInfoUrl: 'https://api.atlassian.com/me',
    defaultScopes: ['offline_access', 'read:me', ...scopes],
    scopeDelimiter: ' ',
    authorizeParams: { audience: 'api.atlassian.com', prompt: 'consent' },
  };
}

const atlassianIdentity: IdentityInput = {
  from: 'endpoint',
  url: 'https://api.atlassian.com/me',
  id: 'account_id',
  email: 'email',
  name: 'name|nickname',
};

const atlassianCloudId = { field: 'cloudId', url: 'https://api.atlassian.com/oauth/token/accessible-resources', path: '0.id' };

export const oauthToolkits: readonly CatalogToolkitInput[] = [
  {
    slug: 'gmail',
    name: 'Gmail',
    description: 'Read, search and send Gmail messages.',
    categories: ['email'],
    authSchemes: ['OAUTH2'],
    // Least privilege for reading and sending: gmail.readonly + gmail.send (not the full-access mail.google.com).
    oauth: googleOAuth(['gmail.readonly', 'gmail.send']),
    apiBaseUrl: 'https://gmail.googleapis.com/gmail/v1',
    identity: googleIdentity,
  },
  {
    slug: 'googlecalendar',
    name: 'Google Calendar',
    description: 'Read and manage Google Calendar events.',
    categories: ['calendar'],
    authSchemes: ['OAUTH2'],
    // calendar.events: events of the user's calendars, not calendar settings or sharing.
    oauth: googleOAuth(['calendar.events']),
    apiBaseUrl: 'https://www.googleapis.com/calendar/v3',
    identity: googleIdentity,
  },
  {
    slug: 'googledrive',
    name: 'Google Drive',
    description: 'Files in Google Drive that the user opens with or creates through the app.',
    categories: ['file-storage'],
    authSchemes: ['OAUTH2'],
    // drive.file: only files the app created or the user picked (non-sensitive), not the whole Drive.
    oauth: googleOAuth(['drive.file']),
    apiBaseUrl: 'https://www.googleapis.com/drive/v3',
    identity: googleIdentity,
  },
  {
    slug: 'googlesheets',
    name: 'Google Sheets',
    description: 'Read and edit Google Sheets spreadsheets.',
    categories: ['productivity'],
    authSchemes: ['OAUTH2'],
    // spreadsheets: Sheets only, not the rest of Drive.
    oauth: googleOAuth(['spreadsheets']),
    apiBaseUrl: 'https://sheets.googleapis.com/v4',
    identity: googleIdentity,
  },
  {
    slug: 'googledocs',
    name: 'Google Docs',
    description: 'Read and edit Google Docs documents.',
    categories: ['documents', 'productivity'],
    authSchemes: ['OAUTH2'],
    // documents: Docs only, not the rest of Drive.
    oauth: googleOAuth(['documents']),
    apiBaseUrl: 'https://docs.googleapis.com/v1',
    identity: googleIdentity,
  },
  {
    slug: 'outlook',
    name: 'Outlook',
    description: 'Outlook mail and calendar through Microsoft Graph.',
    categories: ['email', 'calendar'],
    authSchemes: ['OAUTH2'],
    oauth: microsoftOAuth(['Mail.ReadWrite', 'Mail.Send', 'Calendars.ReadWrite']),
    apiBaseUrl: 'https://graph.microsoft.com/v1.0',
    identity: microsoftIdentity,
  },
  {
    slug: 'onedrive',
    name: 'OneDrive',
    description: 'Files in OneDrive (personal or for Business) through Microsoft Graph.',
    categories: ['file-storage'],
    authSchemes: ['OAUTH2'],
    oauth: microsoftOAuth(['Files.ReadWrite']),
    apiBaseUrl: 'https://graph.microsoft.com/v1.0',
    identity: microsoftIdentity,
  },
  {
    slug: 'microsoftteams',
    name: 'Microsoft Teams',
    description: 'Teams, channels and chats through Microsoft Graph.',
    categories: ['communication'],
    authSchemes: ['OAUTH2'],
    // Delegated permissions that need no admin consent: list joined teams/channels, send channel messages, chats.
    oauth: microsoftOAuth(['Team.ReadBasic.All', 'Channel.ReadBasic.All', 'ChannelMessage.Send', 'Chat.ReadWrite']),
    apiBaseUrl: 'https://graph.microsoft.com/v1.0',
    identity: microsoftIdentity,
  },
  {
    // Linear [doc linear.app/developers/oauth-2-0-authentication; [nango] linear]: comma-separated scopes, revoke
    // endpoint, refresh tokens for apps created since October 2025; PKCE documented as supported (kept on although
    // [nango] disables it; better-auth/better-auth#6003 enables it). GraphQL `viewer` for identity.
    slug: 'linear',
    name: 'Linear',
    description: 'Issue tracking and product planning (GraphQL API).',
    categories: ['project-management', 'developer-tools'],
    authSchemes: ['OAUTH2'],
    oauth: {
      version: 2,
      authorizeUrl: 'https://linear.app/oauth/authorize',
      tokenUrl: 'https://api.linear.app/oauth/token',
      revokeUrl: 'https://api.linear.app/oauth/revoke',
      defaultScopes: ['read'],
      scopeDelimiter: ',',
    },
    apiBaseUrl: 'https://api.linear.app/graphql',
    identity: {
      from: 'endpoint',
      method: 'POST',
      url: 'https://api.linear.app/graphql',
      body: '{"query":"{ viewer { id email name } }"}',
      id: 'data.viewer.id',
      email: 'data.viewer.email',
      name: 'data.viewer.name',
    },
  },
  {
    // HubSpot [doc developers.hubspot.com/docs/api/oauth-quickstart-guide; [nango] hubspot]: space-separated scopes,
    // `oauth` always required, PKCE accepted ([nango] leaves it on); refresh tokens do not expire. The connected
    // account is the HubSpot portal (account-info). Token and RFC 7009 revocation on the date-versioned OAuth API
    // [doc developers.hubspot.com/changelog/v1-oauth-api-deprecation]: /oauth/v1/token is sunset on 2027-02-16.
    slug: 'hubspot',
    name: 'HubSpot',
    description: 'CRM, marketing and sales.',
    categories: ['crm', 'marketing'],
    authSchemes: ['OAUTH2'],
    oauth: {
      version: 2,
      authorizeUrl: 'https://app.hubspot.com/oauth/authorize',
      tokenUrl: 'https://api.hubapi.com/oauth/2026-03/token',
      revokeUrl: 'https://api.hubapi.com/oauth/2026-03/token/revoke',
      defaultScopes: ['oauth', 'crm.objects.contacts.read'],
      scopeDelimiter: ' ',
    },
    apiBaseUrl: 'https://api.hubapi.com',
    identity: { from: 'endpoint', url: 'https://api.hubapi.com/account-info/v3/details', id: 'portalId', name: 'uiDomain' },
  },
  {
    // Calendly [doc developer.calendly.com/create-a-developer-account, "Getting started with OAuth"; [nango] calendly]:
    // auth.calendly.com endpoints, RFC 7009 revoke, PKCE supported; /users/me for identity.
    slug: 'calendly',
    name: 'Calendly',
    description: 'Scheduling: event types, scheduled events and invitees.',
    categories: ['calendar', 'productivity'],
    authSchemes: ['OAUTH2'],
    oauth: {
      version: 2,
      authorizeUrl: 'https://auth.calendly.com/oauth/authorize',
      tokenUrl: 'https://auth.calendly.com/oauth/token',
      revokeUrl: 'https://auth.calendly.com/oauth/revoke',
      scopeDelimiter: ' ',
    },
    apiBaseUrl: 'https://api.calendly.com',
    identity: { from: 'endpoint', url: 'https://api.calendly.com/users/me', id: 'resource.uri', email: 'resource.email', name: 'resource.name' },
  },
  {
    slug: 'jira',
    name: 'Jira',
    description: 'Jira Cloud issues and projects (Atlassian 3LO).',
    categories: ['project-management', 'developer-tools'],
    authSchemes: ['OAUTH2'],
    oauth: atlassianOAuth(['read:jira-user', 'read:jira-work', 'write:jira-work']),
    metadata: [atlassianCloudId],
    apiBaseUrl: 'https://api.atlassian.com/ex/jira/[cloudId]/rest/api/3',
    identity: atlassianIdentity,
  },
  {
    slug: 'confluence',
    name: 'Confluence',
    description: 'Confluence Cloud spaces and pages (Atlassian 3LO).',
    categories: ['documents', 'productivity'],
    authSchemes: ['OAUTH2'],
    oauth: atlassianOAuth(['read:confluence-space.summary', 'read:confluence-content.all', 'write:confluence-content']),
    metadata: [atlassianCloudId],
    apiBaseUrl: 'https://api.atlassian.com/ex/confluence/[cloudId]/wiki/rest/api',
    identity: atlassianIdentity,
  },
  {
    // Airtable [doc airtable.com/developers/web/api/oauth-reference; [nango] airtable]: PKCE is mandatory; a client
    // with a secret authenticates with HTTP Basic; whoami needs user.email:read for the e-mail.
    slug: 'airtable',
    name: 'Airtable',
    description: 'Spreadsheet-database hybrid.',
    categories: ['database', 'productivity'],
    authSchemes: ['OAUTH2'],
    oauth: {
      version: 2,
      authorizeUrl: 'https://airtable.com/oauth2/v1/authorize',
      tokenUrl: 'https://airtable.com/oauth2/v1/token',
      tokenAuthMethod: 'client_secret_basic',
      defaultScopes: ['data.records:read', 'data.records:write', 'schema.bases:read', 'user.email:read'],
      scopeDelimiter: ' ',
    },
    apiBaseUrl: 'https://api.airtable.com/v0',
    identity: { from: 'endpoint', url: 'https://api.airtable.com/v0/meta/whoami', id: 'id', email: 'email' },
  },
  {
    // Pipedrive [doc pipedrive.readme.io/docs/marketplace-oauth-authorization; [nango] pipedrive]: Basic client
    // authentication; the company's API host comes back as api_domain; [nango] disables PKCE.
    slug: 'pipedrive',
    name: 'Pipedrive',
    description: 'Sales CRM: deals, persons, organizations and activities.',
    categories: ['crm'],
    authSchemes: ['OAUTH2'],
    oauth: {
      version: 2,
      authorizeUrl: 'https://oauth.pipedrive.com/oauth/authorize',
      tokenUrl: 'https://oauth.pipedrive.com/oauth/token',
      tokenAuthMethod: 'client_secret_basic',
      pkceOptOut: 'Nango disables PKCE for Pipedrive (disable_pkce in providers.yaml)',
    },
    metadata: [{ field: 'apiDomain', path: 'api_domain' }],
    apiBaseUrl: '[apiDomain]/api/v1',
    identity: { from: 'endpoint', url: 'https://api.pipedrive.com/v1/users/me', id: 'data.id', email: 'data.email', name: 'data.name' },
  },
  {
    // Miro [doc developers.miro.com/docs/getting-started-with-oauth; [nango] miro]: tokens for REST API v2.
    slug: 'miro',
    name: 'Miro',
    description: 'Online whiteboards: boards, items and team.',
    categories: ['design', 'productivity'],
    authSchemes: ['OAUTH2'],
    oauth: {
      version: 2,
      authorizeUrl: 'https://miro.com/oauth/authorize',
      tokenUrl: 'https://api.miro.com/v1/oauth/token',
      scopeDelimiter: ' ',
    },
    apiBaseUrl: 'https://api.miro.com/v2',
    identity: { from: 'endpoint', url: 'https://api.miro.com/v1/oauth-token', id: 'user.id', name: 'user.name' },
  },
];
