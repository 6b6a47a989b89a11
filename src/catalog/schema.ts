import { z } from 'zod';

/**
 * Ways an end user can authenticate a toolkit connection. API_KEY vs BEARER_TOKEN follows the vendor's own
 * wording (a "key" vs a "token"); a field's description notes any non-standard header the credential goes in.
 */
export const authSchemes = ['OAUTH2', 'OAUTH1', 'API_KEY', 'BEARER_TOKEN', 'BASIC', 'NO_AUTH'] as const;

/** One of {@link authSchemes}. */
export type AuthScheme = (typeof authSchemes)[number];

/** Schemes whose credentials the user types in, so the toolkit must declare fields for them. */
export const credentialAuthSchemes = ['API_KEY', 'BEARER_TOKEN', 'BASIC'] as const satisfies readonly AuthScheme[];

/** Zod enum of {@link authSchemes}. */
export const authSchemeSchema = z.enum(authSchemes);

/** Matches `[fieldName]` placeholders in URL templates (grant's `[subdomain]` is one). */
export const urlPlaceholderPattern = /\[([a-z][a-zA-Z0-9_]{0,63})\]/g;

/** Lists the field names referenced as `[name]` placeholders in a URL template. */
export function urlPlaceholders(template: string): string[] {
  return [...template.matchAll(urlPlaceholderPattern)].map((match) => match[1] ?? '');
}

/** An https URL that may contain `[fieldName]` placeholders filled from the connection's credential fields. */
export const urlTemplateSchema = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value.replace(urlPlaceholderPattern, 'placeholder'));
  } catch {
    ctx.addIssue({ code: 'custom', message: `not a valid URL: ${value}` });
    return;
  }
  if (url.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: `URL must use https: ${value}` });
});

/** A JavaScript regular expression source, validated by compiling it without flags. */
const regexSourceSchema = z.string().superRefine((source, ctx) => {
  try {
    new RegExp(source);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `pattern is not a valid regular expression: ${(error as Error).message}` });
  }
});

/** A credential the user supplies when connecting (API key, account ID, domain…). */
export const credentialFieldSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-zA-Z0-9_]{0,63}$/, 'field name must be camelCase, start with a lowercase letter, max 64 chars'),
  label: z.string().min(1),
  secret: z.boolean(),
  required: z.boolean().default(true),
  pattern: regexSourceSchema.optional(),
  placeholder: z.string().optional(),
  description: z.string().optional(),
  /** Schemes this field belongs to when a toolkit offers several; omitted means all of them. */
  authSchemes: z.array(authSchemeSchema).nonempty().optional(),
});

/** OAuth 1.0a / 2.0 endpoints and defaults for a toolkit; URLs may carry `[fieldName]` placeholders. */
export const oauthSchema = z
  .strictObject({
    version: z.union([z.literal(1), z.literal(2)]),
    authorizeUrl: urlTemplateSchema,
    tokenUrl: urlTemplateSchema,
    requestUrl: urlTemplateSchema.optional(),
    /** RFC 7009 token revocation endpoint. */
    revokeUrl: urlTemplateSchema.optional(),
    /** Endpoint returning the connected account's identity. */
    userInfoUrl: urlTemplateSchema.optional(),
    defaultScopes: z.array(z.string().min(1)).default([]),
    scopeDelimiter: z.string().min(1).default(' '),
    pkce: z.boolean().default(false),
    /** How the client authenticates at the token and revocation endpoints. */
    tokenAuthMethod: z.enum(['client_secret_post', 'client_secret_basic']).default('client_secret_post'),
  })
  .superRefine((oauth, ctx) => {
    if (oauth.version === 1 && !oauth.requestUrl) {
      ctx.addIssue({ code: 'custom', path: ['requestUrl'], message: 'OAuth 1 requires requestUrl' });
    }
    if (oauth.version === 2 && oauth.requestUrl) {
      ctx.addIssue({ code: 'custom', path: ['requestUrl'], message: 'requestUrl is only valid for OAuth 1' });
    }
    if (oauth.version === 1 && oauth.pkce) {
      ctx.addIssue({ code: 'custom', path: ['pkce'], message: 'PKCE is only valid for OAuth 2' });
    }
  });

/** One connectable service in the catalog, with every way to authenticate it. */
export const catalogToolkitSchema = z
  .strictObject({
    slug: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'slug must be lowercase [a-z0-9_-], max 63 chars'),
    name: z.string().min(1),
    description: z.string().min(1).optional(),
    logoUrl: z.url({ protocol: /^https?$/ }).optional(),
    categories: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/, 'category must be kebab-case')).default([]),
    authSchemes: z.array(authSchemeSchema).nonempty(),
    oauth: oauthSchema.optional(),
    fields: z.array(credentialFieldSchema).default([]),
    apiBaseUrl: urlTemplateSchema.optional(),
  })
  .superRefine((toolkit, ctx) => {
    const schemes = new Set<AuthScheme>(toolkit.authSchemes);
    if (schemes.size !== toolkit.authSchemes.length) {
      ctx.addIssue({ code: 'custom', path: ['authSchemes'], message: 'authSchemes contains duplicates' });
    }

    for (const version of [1, 2] as const) {
      const scheme = `OAUTH${version}` as const;
      if (!schemes.has(scheme)) continue;
      if (!toolkit.oauth) {
        ctx.addIssue({ code: 'custom', path: ['oauth'], message: `authSchemes lists ${scheme} but oauth settings are missing` });
      } else if (toolkit.oauth.version !== version) {
        ctx.addIssue({
          code: 'custom',
          path: ['oauth', 'version'],
          message: `oauth.version is ${toolkit.oauth.version} but authSchemes lists ${scheme}`,
        });
      }
    }
    if (toolkit.oauth && !schemes.has('OAUTH1') && !schemes.has('OAUTH2')) {
      ctx.addIssue({ code: 'custom', path: ['oauth'], message: 'oauth settings given but authSchemes lists neither OAUTH1 nor OAUTH2' });
    }

    for (const scheme of credentialAuthSchemes) {
      if (!schemes.has(scheme)) continue;
      if (!toolkit.fields.some((field) => !field.authSchemes || field.authSchemes.includes(scheme))) {
        ctx.addIssue({ code: 'custom', path: ['fields'], message: `${scheme} requires at least one credential field` });
      }
    }

    const seen = new Set<string>();
    toolkit.fields.forEach((field, index) => {
      if (seen.has(field.name)) {
        ctx.addIssue({ code: 'custom', path: ['fields', index, 'name'], message: `duplicate field name "${field.name}"` });
      }
      seen.add(field.name);
      for (const scheme of field.authSchemes ?? []) {
        if (!schemes.has(scheme)) {
          ctx.addIssue({
            code: 'custom',
            path: ['fields', index, 'authSchemes'],
            message: `field "${field.name}" is for ${scheme}, which the toolkit does not list`,
          });
        }
      }
    });

    const templates: [PropertyKey[], string | undefined][] = [
      [['apiBaseUrl'], toolkit.apiBaseUrl],
      [['oauth', 'authorizeUrl'], toolkit.oauth?.authorizeUrl],
      [['oauth', 'tokenUrl'], toolkit.oauth?.tokenUrl],
      [['oauth', 'requestUrl'], toolkit.oauth?.requestUrl],
      [['oauth', 'revokeUrl'], toolkit.oauth?.revokeUrl],
      [['oauth', 'userInfoUrl'], toolkit.oauth?.userInfoUrl],
    ];
    for (const [path, template] of templates) {
      for (const name of urlPlaceholders(template ?? '')) {
        if (!seen.has(name)) {
          ctx.addIssue({ code: 'custom', path, message: `URL placeholder [${name}] does not name a credential field` });
        }
      }
    }
  });

/** A validated credential field, defaults applied. */
export type CredentialField = z.output<typeof credentialFieldSchema>;

/** Validated OAuth settings, defaults applied. */
export type OAuthSettings = z.output<typeof oauthSchema>;

/** A validated catalog entry, defaults applied. */
export type CatalogToolkit = z.output<typeof catalogToolkitSchema>;

/** A catalog entry as written in source data, before defaults are applied. */
export type CatalogToolkitInput = z.input<typeof catalogToolkitSchema>;

/** A credential field as written in source data. */
export type CredentialFieldInput = z.input<typeof credentialFieldSchema>;

/** OAuth settings as written in source data. */
export type OAuthSettingsInput = z.input<typeof oauthSchema>;
