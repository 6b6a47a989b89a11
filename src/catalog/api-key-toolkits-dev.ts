import { plainField, secretField } from './fields.js';
import type { CatalogToolkitInput } from './schema.js';

/** Developer, cloud, monitoring and chat-platform services that users connect with a key or token. */
export const devApiKeyToolkits: CatalogToolkitInput[] = [
  {
    slug: 'github',
    name: 'GitHub',
    description: 'Code hosting, issues, pull requests and Actions.',
    apiBaseUrl: 'https://api.github.com',
    apiAuth: { headers: { Authorization: 'Bearer {accessToken}' } },
    authSchemes: ['BEARER_TOKEN'],
    fields: [
      secretField('accessToken', 'GitHub personal access token', {
        pattern: '^(ghp_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})$',
        placeholder: 'github_pat_... or ghp_...',
        description:
          'A personal access token (PAT) of your own GitHub account, not an OAuth app secret. Create a fine-grained ' +
          'one at https://github.com/settings/personal-access-tokens/new (or a classic one at ' +
          'https://github.com/settings/tokens/new) with access to the repositories the agent needs.',
      }),
    ],
  },
  {
    slug: 'gitlab',
    name: 'GitLab',
    description: 'Code hosting, CI/CD and issues (gitlab.com).',
    apiBaseUrl: 'https://gitlab.com/api/v4',
    apiAuth: { headers: { Authorization: 'Bearer {accessToken}' } },
    authSchemes: ['BEARER_TOKEN'],
    fields: [
      secretField('accessToken', 'Personal access token', { pattern: '^glpat-[A-Za-z0-9_.-]{20,}$', placeholder: 'glpat-...' }),
    ],
  },
  {
    slug: 'linear',
    name: 'Linear',
    description: 'Issue tracking and product planning (GraphQL API).',
    categories: ['project-management', 'developer-tools'],
    apiBaseUrl: 'https://api.linear.app/graphql',
    apiAuth: { headers: { Authorization: '{apiKey}' } },
    authSchemes: ['API_KEY'],
    fields: [secretField('apiKey', 'Personal API key', { pattern: '^lin_api_[A-Za-z0-9]{20,}$', placeholder: 'lin_api_...' })],
  },
  {
    slug: 'sentry',
    name: 'Sentry',
    description: 'Error tracking and performance monitoring (sentry.io).',
    categories: ['monitoring', 'developer-tools'],
    apiBaseUrl: 'https://sentry.io/api/0',
    apiAuth: { headers: { Authorization: 'Bearer {authToken}' } },
    authSchemes: ['BEARER_TOKEN'],
    fields: [
      secretField('authToken', 'Auth token', {
        pattern: '^(sntry[su]_[A-Za-z0-9+/=_.-]{20,}|[a-f0-9]{64})$',
        placeholder: 'sntrys_... or sntryu_...',
      }),
    ],
  },
  {
    slug: 'datadog',
    name: 'Datadog',
    description: 'Infrastructure monitoring, logs and APM.',
    categories: ['monitoring'],
    apiBaseUrl: 'https://api.[site]',
    apiAuth: { headers: { 'DD-API-KEY': '{apiKey}', 'DD-APPLICATION-KEY': '{appKey}' } },
    authSchemes: ['API_KEY'],
    fields: [
      secretField('apiKey', 'API key', { pattern: '^[a-f0-9]{32}$', description: 'Sent in the DD-API-KEY header' }),
      secretField('appKey', 'Application key', {
        pattern: '^[a-f0-9]{40}$',
        description: 'Sent in the DD-APPLICATION-KEY header; needed for most read APIs',
      }),
      plainField('site', 'Site', {
        pattern: '^([a-z0-9]+\\.)?(datadoghq\\.(com|eu)|ddog-gov\\.com)$',
        placeholder: 'datadoghq.com',
        description: 'Your Datadog site, e.g. datadoghq.com, us5.datadoghq.com, datadoghq.eu',
      }),
    ],
  },
  {
    slug: 'pagerduty',
    name: 'PagerDuty',
    description: 'On-call scheduling and incident response.',
    categories: ['incident-management', 'monitoring'],
    apiBaseUrl: 'https://api.pagerduty.com',
    apiAuth: { headers: { Authorization: 'Token token={apiKey}' } },
    authSchemes: ['API_KEY'],
    fields: [secretField('apiKey', 'REST API key', { description: 'Sent as "Authorization: Token token=<key>"' })],
  },
  {
    slug: 'cloudflare',
    name: 'Cloudflare',
    description: 'DNS, CDN, Workers and security.',
    categories: ['cloud', 'developer-tools'],
    apiBaseUrl: 'https://api.cloudflare.com/client/v4',
    apiAuth: { headers: { Authorization: 'Bearer {apiToken}' } },
    authSchemes: ['BEARER_TOKEN'],
    fields: [secretField('apiToken', 'API token')],
  },
  {
    slug: 'digitalocean',
    name: 'DigitalOcean',
    description: 'Cloud servers, databases and app hosting.',
    apiBaseUrl: 'https://api.digitalocean.com/v2',
    apiAuth: { headers: { Authorization: 'Bearer {accessToken}' } },
    authSchemes: ['BEARER_TOKEN'],
    fields: [
      secretField('accessToken', 'Personal access token', { pattern: '^dop_v1_[a-f0-9]{64}$', placeholder: 'dop_v1_...' }),
    ],
  },
  {
    slug: 'vercel',
    name: 'Vercel',
    description: 'Frontend hosting and serverless functions.',
    apiBaseUrl: 'https://api.vercel.com',
    apiAuth: { headers: { Authorization: 'Bearer {accessToken}' } },
    authSchemes: ['BEARER_TOKEN'],
    fields: [secretField('accessToken', 'Access token')],
  },
  {
    slug: 'netlify',
    name: 'Netlify',
    description: 'Web hosting, builds and serverless functions.',
    apiBaseUrl: 'https://api.netlify.com/api/v1',
    apiAuth: { headers: { Authorization: 'Bearer {accessToken}' } },
    authSchemes: ['BEARER_TOKEN'],
    fields: [secretField('accessToken', 'Personal access token')],
  },
  {
    slug: 'heroku',
    name: 'Heroku',
    description: 'Application platform.',
    apiBaseUrl: 'https://api.heroku.com',
    apiAuth: { headers: { Authorization: 'Bearer {apiKey}', Accept: 'application/vnd.heroku+json; version=3' } },
    authSchemes: ['API_KEY'],
    fields: [secretField('apiKey', 'API key')],
  },
  {
    slug: 'slack',
    name: 'Slack',
    description: 'Team messaging; the token comes from a Slack app installation.',
    apiBaseUrl: 'https://slack.com/api',
    apiAuth: { headers: { Authorization: 'Bearer {botToken}' } },
    authSchemes: ['BEARER_TOKEN'],
    fields: [secretField('botToken', 'Bot or user token', { pattern: '^xox[bp]-[A-Za-z0-9-]+$', placeholder: 'xoxb-...' })],
  },
  {
    slug: 'discord',
    name: 'Discord',
    description: 'Community chat; a bot token is sent as "Authorization: Bot <token>".',
    apiBaseUrl: 'https://discord.com/api/v10',
    apiAuth: { headers: { Authorization: 'Bot {botToken}' } },
    authSchemes: ['BEARER_TOKEN'],
    fields: [
      secretField('botToken', 'Bot token', { pattern: '^[A-Za-z0-9_-]{20,}\\.[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{20,}$' }),
    ],
  },
  {
    slug: 'figma',
    name: 'Figma',
    description: 'Collaborative design; the token is sent in the X-Figma-Token header.',
    apiBaseUrl: 'https://api.figma.com/v1',
    apiAuth: { headers: { 'X-Figma-Token': '{accessToken}' } },
    authSchemes: ['BEARER_TOKEN'],
    fields: [secretField('accessToken', 'Personal access token', { pattern: '^figd_[A-Za-z0-9_-]{20,}$', placeholder: 'figd_...' })],
  },
];
