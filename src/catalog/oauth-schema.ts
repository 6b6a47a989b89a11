import { z } from 'zod';
import { apiAuthSchema, apiAuthTemplates, apiBaseUrlSchema, credentialPlaceholders, jsonPathSchema, paramNameSchema, urlTemplateSchema } from './templates.js';

// The OAuth part of a catalog entry: endpoints, defaults and what a provider needs beyond the standard.

/** Authorization-request parameters the server itself sets; `authorizeParams` may not override them. */
export const reservedAuthorizeParams = [
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'nonce',
] as const;

/** Dot paths into a token response, read when the standard top-level field is absent (Slack's `authed_user`). */
export const tokenResponseSchema = z
  .strictObject({
    accessToken: jsonPathSchema.optional(),
    refreshToken: jsonPathSchema.optional(),
    expiresIn: jsonPathSchema.optional(),
    scope: jsonPathSchema.optional(),
  })
  .refine((value) => Object.keys(value).length > 0, { message: 'tokenResponse needs at least one path' });

/** OAuth 1.0a / 2.0 endpoints and defaults for a toolkit; URLs may carry `[fieldName]` placeholders. */
export const oauthSchema = z
  .strictObject({
    version: z.union([z.literal(1), z.literal(2)]),
    authorizeUrl: urlTemplateSchema,
    tokenUrl: urlTemplateSchema,
    requestUrl: urlTemplateSchema.optional(),
    /** Token endpoint for refresh grants when it is not tokenUrl (Figma's `/v1/oauth/refresh`). */
    refreshUrl: urlTemplateSchema.optional(),
    /** RFC 7009 token revocation endpoint. */
    revokeUrl: urlTemplateSchema.optional(),
    /** Endpoint returning the connected account's identity. */
    userInfoUrl: urlTemplateSchema.optional(),
    defaultScopes: z.array(z.string().min(1)).default([]),
    scopeDelimiter: z.string().min(1).default(' '),
    /** Why PKCE (S256) is off for this OAuth 2 provider, e.g. "token endpoint rejects code_verifier"; absent: PKCE on. */
    pkceOptOut: z.string().min(10, 'say why PKCE is off').optional(),
    /** How the client authenticates at the token and revocation endpoints. */
    tokenAuthMethod: z.enum(['client_secret_post', 'client_secret_basic']).default('client_secret_post'),
    /** RFC 9207 / OpenID Connect issuer identifier, exactly as the provider spells it (`iss`). */
    issuer: urlTemplateSchema.optional(),
    /** Extra authorization-request parameters, e.g. Google's `{ access_type: 'offline', prompt: 'consent' }`. */
    authorizeParams: z.record(paramNameSchema, z.string()).optional(),
    /** Authorization parameter carrying user scopes when they are separate from `scope` (Slack v2: `user_scope`). */
    userScopeParam: paramNameSchema.optional(),
    /** User scopes requested by default through `userScopeParam`. */
    defaultUserScopes: z.array(z.string().min(1)).optional(),
    /** Where a non-standard token response keeps the token fields (dot paths). */
    tokenResponse: tokenResponseSchema.optional(),
    /** API base URL for OAuth connections when it differs from the toolkit's `apiBaseUrl`. */
    apiBaseUrl: apiBaseUrlSchema.optional(),
    /** How OAuth tokens go on API requests; omitted: `Authorization: Bearer {accessToken}` (v2), a signature (v1). */
    apiAuth: apiAuthSchema.optional(),
  })
  .superRefine((oauth, ctx) => {
    if (oauth.version === 1 && !oauth.requestUrl) {
      ctx.addIssue({ code: 'custom', path: ['requestUrl'], message: 'OAuth 1 requires requestUrl' });
    }
    if (oauth.version === 2 && oauth.requestUrl) {
      ctx.addIssue({ code: 'custom', path: ['requestUrl'], message: 'requestUrl is only valid for OAuth 1' });
    }
    if (oauth.version === 1) {
      for (const key of ['pkceOptOut', 'refreshUrl', 'userScopeParam', 'tokenResponse', 'issuer'] as const) {
        if (oauth[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `${key} is only valid for OAuth 2` });
      }
    }
    if (oauth.defaultUserScopes && !oauth.userScopeParam) {
      ctx.addIssue({ code: 'custom', path: ['defaultUserScopes'], message: 'defaultUserScopes needs userScopeParam' });
    }
    const reserved = new Set<string>([...reservedAuthorizeParams, ...(oauth.userScopeParam ? [oauth.userScopeParam] : [])]);
    for (const name of Object.keys(oauth.authorizeParams ?? {})) {
      if (reserved.has(name)) {
        ctx.addIssue({ code: 'custom', path: ['authorizeParams', name], message: `"${name}" is set by the server itself` });
      }
    }
    if (oauth.userScopeParam && (reservedAuthorizeParams as readonly string[]).includes(oauth.userScopeParam)) {
      ctx.addIssue({ code: 'custom', path: ['userScopeParam'], message: `"${oauth.userScopeParam}" is set by the server itself` });
    }
    if (oauth.apiAuth && oauth.version === 2) {
      const names = apiAuthTemplates(oauth.apiAuth).flatMap(([, template]) => credentialPlaceholders(template));
      if (!names.includes('accessToken')) {
        ctx.addIssue({ code: 'custom', path: ['apiAuth'], message: 'OAuth 2 apiAuth must send {accessToken}' });
      }
    }
  })
  .transform((oauth) => ({
    ...oauth,
    /** Whether the flow sends an S256 code challenge and verifier: OAuth 2 without an opt-out. */
    pkce: oauth.version === 2 && oauth.pkceOptOut === undefined,
  }));

/** Validated OAuth settings, defaults applied and `pkce` derived. */
export type OAuthSettings = z.output<typeof oauthSchema>;

/** OAuth settings as written in source data. */
export type OAuthSettingsInput = z.input<typeof oauthSchema>;
