import { emailPattern, plainField, secretField, uuidPattern } from './fields.js';
import type { CatalogToolkitInput } from './schema.js';

/** Business SaaS (payments, e-mail, CRM, commerce, work management) that users connect with a key or token. */
export const saasApiKeyToolkits: CatalogToolkitInput[] = [
  {
    slug: 'stripe',
    name: 'Stripe',
    description: 'Payments, billing and invoicing.',
    categories: ['payments'],
    apiBaseUrl: 'https://api.stripe.com/v1',
    authSchemes: ['API_KEY'],
    fields: [
      secretField('apiKey', 'Secret or restricted key', {
        pattern: '^(sk|rk)_(live|test)_[A-Za-z0-9]{10,}$',
        placeholder: 'sk_live_... or rk_live_...',
      }),
    ],
  },
  {
    slug: 'sendgrid',
    name: 'SendGrid',
    description: 'Transactional and marketing e-mail delivery (Twilio SendGrid).',
    categories: ['email'],
    apiBaseUrl: 'https://api.sendgrid.com/v3',
    authSchemes: ['API_KEY'],
    fields: [
      secretField('apiKey', 'API key', { pattern: '^SG\\.[A-Za-z0-9_-]{16,}\\.[A-Za-z0-9_-]{16,}$', placeholder: 'SG....' }),
    ],
  },
  {
    slug: 'resend',
    name: 'Resend',
    description: 'E-mail API for developers.',
    categories: ['email'],
    apiBaseUrl: 'https://api.resend.com',
    authSchemes: ['API_KEY'],
    fields: [secretField('apiKey', 'API key', { pattern: '^re_[A-Za-z0-9_]{8,}$', placeholder: 're_...' })],
  },
  {
    slug: 'mailgun',
    name: 'Mailgun',
    description: 'E-mail sending, receiving and validation.',
    categories: ['email'],
    apiBaseUrl: 'https://api.mailgun.net/v3',
    authSchemes: ['API_KEY'],
    fields: [
      secretField('apiKey', 'API key', { description: 'Sent as HTTP Basic password with user "api"' }),
      plainField('domain', 'Sending domain', { pattern: '^[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$', placeholder: 'mg.example.com' }),
      plainField('region', 'Region', {
        required: false,
        pattern: '^(us|eu)$',
        placeholder: 'us',
        description: 'eu uses https://api.eu.mailgun.net/v3',
      }),
    ],
  },
  {
    slug: 'postmark',
    name: 'Postmark',
    description: 'Transactional e-mail delivery.',
    categories: ['email'],
    apiBaseUrl: 'https://api.postmarkapp.com',
    authSchemes: ['BEARER_TOKEN'],
    fields: [
      secretField('serverToken', 'Server API token', {
        pattern: uuidPattern,
        description: 'Sent in the X-Postmark-Server-Token header',
      }),
    ],
  },
  {
    slug: 'brevo',
    name: 'Brevo (Sendinblue)',
    description: 'E-mail, SMS and marketing automation.',
    categories: ['email', 'marketing'],
    apiBaseUrl: 'https://api.brevo.com/v3',
    authSchemes: ['API_KEY'],
    fields: [
      secretField('apiKey', 'API key', { pattern: '^xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16,}$', placeholder: 'xkeysib-...' }),
    ],
  },
  {
    slug: 'mailchimp',
    name: 'Mailchimp',
    description: 'E-mail marketing; the data center is the suffix of the API key (e.g. us21).',
    categories: ['marketing', 'email'],
    authSchemes: ['API_KEY'],
    fields: [secretField('apiKey', 'API key', { pattern: '^[a-f0-9]{32}-us[0-9]{1,2}$', placeholder: '...-us21' })],
  },
  {
    slug: 'twilio',
    name: 'Twilio',
    description: 'SMS, voice, WhatsApp and verification APIs.',
    categories: ['communication', 'messaging'],
    apiBaseUrl: 'https://api.twilio.com/2010-04-01',
    authSchemes: ['BASIC'],
    fields: [
      plainField('accountSid', 'Account SID', { pattern: '^AC[0-9a-f]{32}$', placeholder: 'AC...' }),
      secretField('authToken', 'Auth token', { pattern: '^[0-9a-f]{32}$' }),
    ],
  },
  {
    slug: 'airtable',
    name: 'Airtable',
    description: 'Spreadsheet-database hybrid.',
    categories: ['database', 'productivity'],
    apiBaseUrl: 'https://api.airtable.com/v0',
    authSchemes: ['BEARER_TOKEN'],
    fields: [
      secretField('accessToken', 'Personal access token', {
        pattern: '^pat[A-Za-z0-9]{14,}\\.[A-Za-z0-9]{20,}$',
        placeholder: 'pat....',
      }),
    ],
  },
  {
    slug: 'notion',
    name: 'Notion',
    description: 'Docs, wikis and databases; the token comes from an internal integration.',
    apiBaseUrl: 'https://api.notion.com/v1',
    authSchemes: ['BEARER_TOKEN'],
    fields: [
      secretField('integrationToken', 'Internal integration secret', {
        pattern: '^(secret_|ntn_)[A-Za-z0-9]{20,}$',
        placeholder: 'ntn_... or secret_...',
      }),
    ],
  },
  {
    slug: 'hubspot',
    name: 'HubSpot',
    description: 'CRM, marketing and sales; the token comes from a private app.',
    categories: ['crm', 'marketing'],
    apiBaseUrl: 'https://api.hubapi.com',
    authSchemes: ['BEARER_TOKEN'],
    fields: [
      secretField('accessToken', 'Private app access token', {
        pattern: '^pat-[a-z]{2}[0-9]-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
        placeholder: 'pat-na1-...',
      }),
    ],
  },
  {
    slug: 'shopify',
    name: 'Shopify',
    description: 'E-commerce; the Admin API token comes from a custom app.',
    apiBaseUrl: 'https://[subdomain].myshopify.com/admin/api',
    authSchemes: ['BEARER_TOKEN'],
    fields: [
      plainField('subdomain', 'Shop subdomain', {
        pattern: '^[A-Za-z0-9][A-Za-z0-9-]*$',
        placeholder: 'my-store',
        description: 'The "my-store" part of my-store.myshopify.com',
      }),
      secretField('accessToken', 'Admin API access token', {
        pattern: '^shpat_[a-f0-9]{32}$',
        placeholder: 'shpat_...',
        description: 'Sent in the X-Shopify-Access-Token header',
      }),
    ],
  },
  {
    slug: 'zendesk',
    name: 'Zendesk',
    description: 'Customer support; API tokens authenticate as "<email>/token" with HTTP Basic.',
    apiBaseUrl: 'https://[subdomain].zendesk.com/api/v2',
    authSchemes: ['BASIC'],
    fields: [
      plainField('email', 'Agent e-mail', { pattern: emailPattern, placeholder: 'agent@example.com' }),
      secretField('apiToken', 'API token'),
    ],
  },
  {
    slug: 'atlassian',
    name: 'Atlassian',
    description: 'Jira and Confluence Cloud; API tokens authenticate with HTTP Basic (e-mail + token).',
    authSchemes: ['BASIC'],
    fields: [
      plainField('siteUrl', 'Site URL', {
        pattern: '^https://[A-Za-z0-9.-]+(:[0-9]+)?/?$',
        placeholder: 'https://your-team.atlassian.net',
      }),
      plainField('email', 'Account e-mail', { pattern: emailPattern, placeholder: 'you@example.com' }),
      secretField('apiToken', 'API token', { placeholder: 'ATATT...' }),
    ],
  },
  {
    slug: 'trello',
    name: 'Trello',
    description: 'Kanban boards; REST calls carry both the Power-Up API key and a user token.',
    apiBaseUrl: 'https://api.trello.com/1',
    authSchemes: ['API_KEY'],
    fields: [
      plainField('apiKey', 'API key', { pattern: '^[a-f0-9]{32}$' }),
      secretField('token', 'Token', { pattern: '^(ATTA)?[A-Za-z0-9]{64,}$', placeholder: 'ATTA...' }),
    ],
  },
  {
    slug: 'asana',
    name: 'Asana',
    description: 'Work and project management.',
    apiBaseUrl: 'https://app.asana.com/api/1.0',
    authSchemes: ['BEARER_TOKEN'],
    fields: [secretField('accessToken', 'Personal access token')],
  },
  {
    slug: 'todoist',
    name: 'Todoist',
    description: 'Task management.',
    apiBaseUrl: 'https://api.todoist.com',
    authSchemes: ['BEARER_TOKEN'],
    fields: [secretField('apiToken', 'API token', { pattern: '^[a-f0-9]{40}$' })],
  },
  {
    slug: 'typeform',
    name: 'Typeform',
    description: 'Forms and surveys.',
    apiBaseUrl: 'https://api.typeform.com',
    authSchemes: ['BEARER_TOKEN'],
    fields: [
      secretField('accessToken', 'Personal access token', { pattern: '^tfp_[A-Za-z0-9_-]{20,}$', placeholder: 'tfp_...' }),
    ],
  },
];
