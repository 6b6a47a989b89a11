import { z } from 'zod';

// The small languages a catalog entry is written in: `[field]` placeholders in URLs, `{name}`
// placeholders in API credential templates, JSON paths into provider answers, and where an API
// takes its credentials (apiAuth). The toolkit schema (schema.ts) is built from these.

/** Shape of a credential field or metadata name: camelCase, at most 64 characters. */
export const namePattern = /^[a-z][a-zA-Z0-9_]{0,63}$/;

/** Matches `[fieldName]` placeholders in URL templates (grant's `[subdomain]` is one). */
export const urlPlaceholderPattern = /\[([a-z][a-zA-Z0-9_]{0,63})\]/g;

/** Lists the field names referenced as `[name]` placeholders in a URL template. */
export function urlPlaceholders(template: string): string[] {
  return [...template.matchAll(urlPlaceholderPattern)].map((match) => match[1] ?? '');
}

/** Matches `{name}` placeholders in API credential templates (`Bearer {apiKey}`, `{accessToken}`). */
export const credentialPlaceholderPattern = /\{([a-z][a-zA-Z0-9_]{0,63})\}/g;

/** Lists the names referenced as `{name}` placeholders in an API credential template. */
export function credentialPlaceholders(template: string): string[] {
  return [...template.matchAll(credentialPlaceholderPattern)].map((match) => match[1] ?? '');
}

/**
 * Names an OAuth connection fills API credential templates with: the access token, OAuth 1's token secret, and the
 * OAuth app's (public) client id, which some APIs want beside the token (Twitch's Client-Id header).
 */
export const oauthTokenPlaceholders = ['accessToken', 'accessSecret', 'clientId'] as const;

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

/** A template whose leading `[field]` holds a whole https origin (e.g. `[instanceUrl]/services/data/v62.0`). */
export const leadingOriginPlaceholder = /^\[([a-z][a-zA-Z0-9_]{0,63})\]/;

/**
 * An API base URL template: a {@link urlTemplateSchema}, or one that starts with a `[field]` holding a whole https
 * origin (a metadata value such as Salesforce's `instance_url`, or a field whose pattern requires `https://`; the
 * toolkit-level check below says which), e.g. `[instanceUrl]/services/data/v62.0`.
 */
export const apiBaseUrlSchema = z.string().superRefine((value, ctx) => {
  const candidate = value.replace(leadingOriginPlaceholder, 'https://origin.invalid');
  const checked = urlTemplateSchema.safeParse(candidate);
  for (const issue of checked.error?.issues ?? []) ctx.addIssue({ code: 'custom', message: issue.message.replace(candidate, value) });
});

/**
 * A path into a JSON answer: keys joined with `.` (array indexes are keys: `0.id`), and `|` between alternatives
 * tried in order (`name|login`). See {@link readJsonPath}.
 */
export const jsonPathSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9_$@-]+(\.[A-Za-z0-9_$@-]+)*(\|[A-Za-z0-9_$@-]+(\.[A-Za-z0-9_$@-]+)*)*$/,
    'must be dot-separated keys (array indexes allowed), alternatives separated by |',
  );

/**
 * Reads a {@link jsonPathSchema} path from a parsed JSON value: the first alternative that yields a value other
 * than undefined, null or '' wins; undefined when none does.
 */
export function readJsonPath(value: unknown, path: string): unknown {
  for (const alternative of path.split('|')) {
    let current: unknown = value;
    for (const key of alternative.split('.')) {
      if (current === null || typeof current !== 'object') {
        current = undefined;
        break;
      }
      current = Object.hasOwn(current, key) ? (current as Record<string, unknown>)[key] : undefined;
    }
    if (current !== undefined && current !== null && current !== '') return current;
  }
  return undefined;
}

/** An HTTP header name (an RFC 9110 token). */
export const headerNameSchema = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid HTTP header name');

/** A query-string or form parameter name. */
export const paramNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'not a valid parameter name');

/** A value template with `{name}` placeholders; every brace must belong to a placeholder. */
export const credentialTemplateSchema = z
  .string()
  .min(1)
  .refine((value) => !/[{}]/.test(value.replace(credentialPlaceholderPattern, '')), {
    message: 'braces may only surround a placeholder name such as {apiKey}',
  });

/**
 * How credentials go on API requests (the proxy): header and query templates, or HTTP Basic. `{name}` names one of
 * the toolkit's fields or metadata, or, under `oauth.apiAuth`, `{accessToken}` / `{accessSecret}`.
 */
export const apiAuthSchema = z
  .strictObject({
    /** Headers to send, e.g. `{ Authorization: 'Bearer {apiKey}' }`. */
    headers: z.record(headerNameSchema, credentialTemplateSchema).optional(),
    /** Query parameters to add, e.g. `{ key: '{apiKey}', token: '{token}' }`. */
    query: z.record(paramNameSchema, credentialTemplateSchema).optional(),
    /** HTTP Basic credentials, e.g. `{ username: '{email}/token', password: '{apiToken}' }`. */
    basic: z.strictObject({ username: credentialTemplateSchema, password: z.string() }).optional(),
  })
  .superRefine((auth, ctx) => {
    const templates = apiAuthTemplates(auth);
    if (templates.length === 0) ctx.addIssue({ code: 'custom', message: 'apiAuth needs headers, query or basic' });
    else if (templates.every(([, template]) => credentialPlaceholders(template).length === 0)) {
      ctx.addIssue({ code: 'custom', message: 'apiAuth must reference a credential, e.g. {apiKey}' });
    }
    if (auth.basic && Object.keys(auth.headers ?? {}).some((name) => name.toLowerCase() === 'authorization')) {
      ctx.addIssue({ code: 'custom', path: ['headers'], message: 'basic and an Authorization header exclude each other' });
    }
    if (auth.basic && /[{}]/.test(auth.basic.password.replace(credentialPlaceholderPattern, ''))) {
      ctx.addIssue({ code: 'custom', path: ['basic', 'password'], message: 'braces may only surround a placeholder name' });
    }
  });

/** Every template of an apiAuth value with its path, for placeholder checks. */
export function apiAuthTemplates(auth: z.input<typeof apiAuthSchema>): [PropertyKey[], string][] {
  return [
    ...Object.entries(auth.headers ?? {}).map(([name, value]): [PropertyKey[], string] => [['headers', name], value]),
    ...Object.entries(auth.query ?? {}).map(([name, value]): [PropertyKey[], string] => [['query', name], value]),
    ...(auth.basic
      ? ([
          [['basic', 'username'], auth.basic.username],
          [['basic', 'password'], auth.basic.password],
        ] as [PropertyKey[], string][])
      : []),
  ];
}
