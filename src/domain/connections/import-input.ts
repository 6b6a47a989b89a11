import { z } from 'zod';
import type { AuthConfig, Toolkit } from '../../generated/prisma/client.js';
import { DomainError } from '../errors.js';
import { formFieldsOf, validateCredentialForm } from '../toolkits/credential-forms.js';
import type { Credentials } from './credentials.js';

// What an import brings, checked before anything is written: the shape of the input (zod), then
// its credentials against the auth config's scheme and the toolkit's form fields.

const MAX_TOKEN_LENGTH = 8192;
const token = z.string().trim().min(1).max(MAX_TOKEN_LENGTH);

const oauth2Schema = z.object({
  accessToken: token,
  refreshToken: token.nullish(),
  // A Date from GraphQL's DateTime, an ISO 8601 string from a file.
  expiresAt: z.coerce.date({ error: 'must be an ISO 8601 date-time' }).nullish(),
  scopes: z.array(z.string().trim().min(1).max(200)).max(200).nullish(),
  tokenType: z.string().trim().min(1).max(50).nullish(),
});

const oauth1Schema = z.object({ token, tokenSecret: token });

const fieldsSchema = z
  .array(z.object({ name: z.string().min(1).max(64), value: z.string().max(MAX_TOKEN_LENGTH) }))
  .max(50)
  .refine((entries) => new Set(entries.map((entry) => entry.name)).size === entries.length, { error: 'names a field twice' });

export const importInputSchema = z.object({
  userId: z.string().trim().min(1).max(200),
  toolkit: z.string().trim().min(1).max(100),
  authConfigId: z.string().min(1).max(200),
  alias: z.string().trim().min(1).max(100).nullish(),
  credentials: z
    .object({ oauth2: oauth2Schema.nullish(), oauth1: oauth1Schema.nullish(), fields: fieldsSchema.nullish() })
    .refine((c) => [c.oauth2, c.oauth1, c.fields].filter((kind) => kind != null).length === 1, {
      error: 'must hold exactly one of oauth2, oauth1 or fields',
    }),
});

export type ImportInput = z.output<typeof importInputSchema>;

/** What the account row gets from the imported credentials. */
export interface ImportedCredentials {
  credentials: Credentials;
  scopes: string[];
  expiresAt: Date | null;
}

function refuse(path: string, message: string): never {
  throw new DomainError('BAD_USER_INPUT', `Invalid import: ${path}: ${message}`, [{ path, message }]);
}

/** The kind of credentials an auth config's scheme takes, for error messages. */
function expectedKind(scheme: AuthConfig['authScheme']): string {
  return scheme === 'OAUTH2' ? 'oauth2' : scheme === 'OAUTH1' ? 'oauth1' : 'fields';
}

/**
 * The credentials to store, in the form the hosted flow stores them. Field values go through
 * the hosted form's own validation (same fields, same messages); a name the toolkit does not
 * declare is refused rather than dropped, since a typo in a file would otherwise be silent.
 */
export function importedCredentials(toolkit: Toolkit, authConfig: AuthConfig, input: ImportInput['credentials']): ImportedCredentials {
  const scheme = authConfig.authScheme;
  const given = input.oauth2 ? 'oauth2' : input.oauth1 ? 'oauth1' : 'fields';
  if (given !== expectedKind(scheme)) {
    refuse(`credentials.${given}`, `the auth config authenticates with ${scheme}: give credentials.${expectedKind(scheme)}`);
  }
  if (input.oauth2) {
    const { accessToken, refreshToken, expiresAt, scopes, tokenType } = input.oauth2;
    return {
      credentials: { scheme: 'OAUTH2', accessToken, refreshToken: refreshToken ?? null, tokenType: tokenType ?? 'Bearer' },
      scopes: scopes ?? [],
      expiresAt: expiresAt ?? null,
    };
  }
  if (input.oauth1) {
    return {
      credentials: { scheme: 'OAUTH1', accessToken: input.oauth1.token, accessSecret: input.oauth1.tokenSecret },
      scopes: [],
      expiresAt: null,
    };
  }
  if (scheme === 'OAUTH1' || scheme === 'OAUTH2') throw new Error('unreachable: OAuth schemes take oauth1/oauth2');
  const fields = formFieldsOf(toolkit, scheme);
  const submitted = Object.fromEntries((input.fields ?? []).map((entry) => [entry.name, entry.value]));
  const unknown = Object.keys(submitted).find((name) => !fields.some((field) => field.name === name));
  if (unknown !== undefined) {
    const known = fields.map((field) => field.name).join(', ') || 'none';
    refuse('credentials.fields', `"${unknown}" is not a field of ${toolkit.slug} (its fields: ${known})`);
  }
  const checked = validateCredentialForm(fields, submitted);
  if (!checked.ok) {
    const issues = Object.entries(checked.fieldErrors).map(([name, message]) => ({ path: `credentials.fields.${name}`, message }));
    throw new DomainError('BAD_USER_INPUT', `Invalid import: ${issues.map((i) => i.message).join(' ')}`, issues);
  }
  return { credentials: { scheme, fields: checked.values }, scopes: [], expiresAt: null };
}
