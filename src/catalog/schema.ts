import { z } from 'zod';
import { oauthSchema } from './oauth-schema.js';
import { DEFAULT_FIELD_MAX_LENGTH, FIELD_MAX_LENGTH_LIMIT, fieldPatternProblem } from './patterns.js';
import {
  apiAuthSchema,
  apiAuthTemplates,
  apiBaseUrlSchema,
  credentialPlaceholders,
  jsonPathSchema,
  leadingOriginPlaceholder,
  namePattern,
  oauthTokenPlaceholders,
  urlPlaceholders,
  urlTemplateSchema,
} from './templates.js';

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

/** A regular expression source that RE2 compiles (see patterns.ts: values are only ever matched by RE2). */
const regexSourceSchema = z
  .string()
  .max(1000)
  .superRefine((source, ctx) => {
    const problem = fieldPatternProblem(source);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** A credential the user supplies when connecting (API key, account ID, domain…). */
export const credentialFieldSchema = z.strictObject({
  name: z.string().regex(namePattern, 'field name must be camelCase, start with a lowercase letter, max 64 chars'),
  label: z.string().min(1),
  secret: z.boolean(),
  required: z.boolean().default(true),
  pattern: regexSourceSchema.optional(),
  /** Longest value accepted, checked before the pattern runs; default {@link DEFAULT_FIELD_MAX_LENGTH}. */
  maxLength: z.number().int().min(1).max(FIELD_MAX_LENGTH_LIMIT).optional(),
  placeholder: z.string().optional(),
  description: z.string().optional(),
  /** Schemes this field belongs to when a toolkit offers several; omitted means all of them. */
  authSchemes: z.array(authSchemeSchema).nonempty().optional(),
});

/**
 * A field as stored on a toolkit row. Its pattern is not re-checked on reading: a row written
 * before patterns had to suit RE2 still loads, and {@link matchesFieldPattern} refuses values
 * for a pattern RE2 cannot run.
 */
export const storedCredentialFieldSchema = credentialFieldSchema.extend({ pattern: z.string().optional() });

/** The longest value a field accepts. */
export function maxLengthOf(field: { maxLength?: number | undefined }): number {
  return field.maxLength ?? DEFAULT_FIELD_MAX_LENGTH;
}

/** How to learn which provider account was connected. */
export const identitySchema = z.discriminatedUnion('from', [
  /** From the OpenID Connect id_token's claims: `sub`, `email`, `name`. */
  z.strictObject({ from: z.literal('id_token') }),
  /** From a JSON endpoint, called with the connection's API credentials; fields are {@link jsonPathSchema} paths. */
  z
    .strictObject({
      from: z.literal('endpoint'),
      url: urlTemplateSchema,
      method: z.enum(['GET', 'POST']).default('GET'),
      /** JSON body of a POST (a GraphQL query such as Linear's `{ viewer { id } }`). */
      body: z
        .string()
        .refine((text) => {
          try {
            JSON.parse(text);
            return true;
          } catch {
            return false;
          }
        }, 'body must be JSON text')
        .optional(),
      id: jsonPathSchema,
      email: jsonPathSchema.optional(),
      name: jsonPathSchema.optional(),
    })
    .refine((identity) => identity.body === undefined || identity.method === 'POST', {
      message: 'only a POST identity request has a body',
      path: ['body'],
    }),
]);

/** A value fetched once after connection into the account's field values, usable as `[field]` in `apiBaseUrl`. */
export const metadataSchema = z.strictObject({
  /** Name it is stored and referenced under; must not clash with a credential field. */
  field: z.string().regex(namePattern, 'metadata field must be camelCase, start with a lowercase letter, max 64 chars'),
  /** Endpoint to GET with the connection's API credentials; omitted: `path` reads the token response instead. */
  url: urlTemplateSchema.optional(),
  /** Path of the value in the JSON answer, e.g. `0.id`. */
  path: jsonPathSchema,
  /** Schemes whose connections fetch it; omitted means all of the toolkit's schemes. */
  authSchemes: z.array(authSchemeSchema).nonempty().optional(),
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
    /** Base URL of the REST API; `[field]` placeholders name fields or metadata. */
    apiBaseUrl: apiBaseUrlSchema.optional(),
    /** How credentials of the API-key, bearer and basic schemes go on API requests (OAuth's: `oauth.apiAuth`). */
    apiAuth: apiAuthSchema.optional(),
    /** How to learn which provider account was connected. */
    identity: identitySchema.optional(),
    /** Values fetched once after connection (Atlassian's cloud id), usable as `[field]` in URL templates. */
    metadata: z.array(metadataSchema).default([]),
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

    const credentialSchemes = credentialAuthSchemes.filter((scheme) => schemes.has(scheme));
    for (const scheme of credentialSchemes) {
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
    const fieldFor = (name: string, scheme?: AuthScheme) =>
      toolkit.fields.find((field) => field.name === name && (!scheme || !field.authSchemes || field.authSchemes.includes(scheme)));
    const oauthScheme: AuthScheme | undefined = toolkit.oauth ? (`OAUTH${toolkit.oauth.version}` as const) : undefined;
    if (oauthScheme) {
      for (const name of oauthTokenPlaceholders) {
        if (fieldFor(name, oauthScheme)) {
          ctx.addIssue({
            code: 'custom',
            path: ['fields'],
            message: `field "${name}" would shadow the OAuth token; tag it with its credential scheme`,
          });
        }
      }
    }

    // Metadata: unique names distinct from fields; its URL may use fields and earlier metadata.
    const metadataNames = new Set<string>();
    toolkit.metadata.forEach((entry, index) => {
      if (seen.has(entry.field) || metadataNames.has(entry.field)) {
        ctx.addIssue({ code: 'custom', path: ['metadata', index, 'field'], message: `metadata field "${entry.field}" is defined twice` });
      }
      for (const scheme of entry.authSchemes ?? []) {
        if (!schemes.has(scheme)) {
          ctx.addIssue({ code: 'custom', path: ['metadata', index, 'authSchemes'], message: `metadata is for ${scheme}, which the toolkit does not list` });
        }
      }
      if (!entry.url && !(entry.authSchemes ?? toolkit.authSchemes).every((scheme) => scheme === 'OAUTH2')) {
        ctx.addIssue({ code: 'custom', path: ['metadata', index, 'url'], message: 'only OAuth 2 metadata may come from the token response' });
      }
      for (const name of urlPlaceholders(entry.url ?? '')) {
        if (!seen.has(name) && !metadataNames.has(name)) {
          ctx.addIssue({ code: 'custom', path: ['metadata', index, 'url'], message: `URL placeholder [${name}] does not name a field or earlier metadata` });
        }
      }
      metadataNames.add(entry.field);
    });

    // Endpoint URLs are used before the connection exists: fields only.
    const endpointTemplates: [PropertyKey[], string | undefined][] = [
      [['oauth', 'authorizeUrl'], toolkit.oauth?.authorizeUrl],
      [['oauth', 'tokenUrl'], toolkit.oauth?.tokenUrl],
      [['oauth', 'requestUrl'], toolkit.oauth?.requestUrl],
      [['oauth', 'refreshUrl'], toolkit.oauth?.refreshUrl],
      [['oauth', 'revokeUrl'], toolkit.oauth?.revokeUrl],
      [['oauth', 'userInfoUrl'], toolkit.oauth?.userInfoUrl],
      [['oauth', 'issuer'], toolkit.oauth?.issuer],
    ];
    for (const [path, template] of endpointTemplates) {
      for (const name of urlPlaceholders(template ?? '')) {
        if (!seen.has(name)) {
          ctx.addIssue({ code: 'custom', path, message: `URL placeholder [${name}] does not name a credential field` });
        }
      }
    }

    // API URLs are used after connection: fields and metadata. A leading placeholder fills the whole origin, so it
    // must be metadata (checked https when filled) or a field whose pattern demands https://.
    const apiTemplates: [PropertyKey[], string | undefined][] = [
      [['apiBaseUrl'], toolkit.apiBaseUrl],
      [['oauth', 'apiBaseUrl'], toolkit.oauth?.apiBaseUrl],
      [['identity', 'url'], toolkit.identity?.from === 'endpoint' ? toolkit.identity.url : undefined],
    ];
    for (const [path, template] of apiTemplates) {
      for (const name of urlPlaceholders(template ?? '')) {
        if (!seen.has(name) && !metadataNames.has(name)) {
          ctx.addIssue({ code: 'custom', path, message: `URL placeholder [${name}] does not name a field or metadata` });
        }
      }
      const origin = template?.match(leadingOriginPlaceholder)?.[1];
      if (origin && !metadataNames.has(origin) && !fieldFor(origin)?.pattern?.startsWith('^https://')) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `[${origin}] fills the whole origin, so it must be metadata or a field whose pattern starts with ^https://`,
        });
      }
    }

    // Credential templates: the credential schemes' fields (or metadata); OAuth's also the tokens.
    if (toolkit.apiAuth) {
      if (credentialSchemes.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['apiAuth'], message: 'apiAuth is for API-key, bearer and basic schemes; OAuth uses oauth.apiAuth' });
      }
      let sendsSecret = false;
      for (const [path, template] of apiAuthTemplates(toolkit.apiAuth)) {
        for (const name of credentialPlaceholders(template)) {
          const fields = credentialSchemes.map((scheme) => fieldFor(name, scheme));
          if (metadataNames.has(name)) continue;
          if (fields.length === 0 || fields.some((field) => !field)) {
            ctx.addIssue({ code: 'custom', path: ['apiAuth', ...path], message: `placeholder {${name}} does not name a credential field` });
          }
          if (fields.some((field) => field?.secret)) sendsSecret = true;
        }
      }
      if (!sendsSecret && credentialSchemes.length > 0) {
        ctx.addIssue({ code: 'custom', path: ['apiAuth'], message: 'apiAuth sends no secret field' });
      }
    } else if (credentialSchemes.length > 0 && toolkit.apiBaseUrl) {
      ctx.addIssue({ code: 'custom', path: ['apiAuth'], message: `${credentialSchemes.join('/')} with an apiBaseUrl must say how credentials are sent (apiAuth)` });
    }
    if (toolkit.oauth?.apiAuth && oauthScheme) {
      for (const [path, template] of apiAuthTemplates(toolkit.oauth.apiAuth)) {
        for (const name of credentialPlaceholders(template)) {
          const known =
            name === 'accessToken' ||
            name === 'clientId' ||
            (name === 'accessSecret' && toolkit.oauth.version === 1) ||
            metadataNames.has(name) ||
            fieldFor(name, oauthScheme);
          if (!known) {
            ctx.addIssue({ code: 'custom', path: ['oauth', 'apiAuth', ...path], message: `placeholder {${name}} names neither an OAuth token nor a field` });
          }
        }
      }
    }

    if (toolkit.identity?.from === 'id_token' && !(toolkit.oauth?.version === 2 && toolkit.oauth.defaultScopes.includes('openid'))) {
      ctx.addIssue({ code: 'custom', path: ['identity'], message: 'id_token identity needs OAuth 2 with the openid scope by default' });
    }
  });

/** A validated credential field, defaults applied. */
export type CredentialField = z.output<typeof credentialFieldSchema>;

/** How credentials go on API requests. */
export type ApiAuth = z.output<typeof apiAuthSchema>;

/** How a connected account's identity is learnt. */
export type Identity = z.output<typeof identitySchema>;

/** A value fetched once after connection. */
export type Metadata = z.output<typeof metadataSchema>;

/** A validated catalog entry, defaults applied. */
export type CatalogToolkit = z.output<typeof catalogToolkitSchema>;

/** A catalog entry as written in source data, before defaults are applied. */
export type CatalogToolkitInput = z.input<typeof catalogToolkitSchema>;

/** A credential field as written in source data. */
export type CredentialFieldInput = z.input<typeof credentialFieldSchema>;

/** API credential placement as written in source data. */
export type ApiAuthInput = z.input<typeof apiAuthSchema>;

/** Identity source as written in source data. */
export type IdentityInput = z.input<typeof identitySchema>;

/** Metadata as written in source data. */
export type MetadataInput = z.input<typeof metadataSchema>;

export { oauthSchema, reservedAuthorizeParams, tokenResponseSchema, type OAuthSettings, type OAuthSettingsInput } from './oauth-schema.js';
