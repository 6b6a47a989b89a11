import { z } from 'zod';
import type { KeyRing } from '../crypto/encryption.js';

// What a connected account's encrypted credentials hold, per scheme: one schema, used to write
// them (hosted form, OAuth callback, import) and to read them (refresh, tokens, proxy).

const oauth2 = z.object({
  scheme: z.literal('OAUTH2'),
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).nullable(),
  tokenType: z.string().min(1),
  idToken: z.string().optional(),
});

const oauth1 = z.object({
  scheme: z.literal('OAUTH1'),
  accessToken: z.string().min(1),
  accessSecret: z.string().optional(),
});

const fields = z.object({
  scheme: z.enum(['API_KEY', 'BEARER_TOKEN', 'BASIC', 'NO_AUTH']),
  /** What the user typed into the toolkit's credential fields, by field name. */
  fields: z.record(z.string(), z.string()),
});

export const credentialsSchema = z.discriminatedUnion('scheme', [oauth2, oauth1, fields]);

export type Credentials = z.infer<typeof credentialsSchema>;
export type OAuth2Credentials = z.infer<typeof oauth2>;
export type FieldCredentials = z.infer<typeof fields>;

/**
 * Credentials written before the schema existed kept OAuth 1 tokens beside an unused refresh
 * token, and form fields flat beside `scheme`; both still read.
 */
function upgrade(stored: Record<string, unknown>): unknown {
  if (stored.scheme === 'OAUTH1' || stored.scheme === 'OAUTH2' || 'fields' in stored) return stored;
  const { scheme, ...flat } = stored;
  return { scheme, fields: Object.fromEntries(Object.entries(flat).filter((entry) => typeof entry[1] === 'string')) };
}

/** The encrypted column values of an account's credentials; the account id is the associated data. */
export function sealCredentials(keyRing: KeyRing, accountId: string, credentials: Credentials) {
  return {
    encryptedCredentials: keyRing.encryptJson(credentialsSchema.parse(credentials), accountId),
    credentialsKeyId: keyRing.activeKeyId,
  };
}

/** An account's credentials, decrypted and checked. */
export function openCredentials(keyRing: KeyRing, account: { id: string; encryptedCredentials: string }): Credentials {
  return credentialsSchema.parse(upgrade(keyRing.decryptJson<Record<string, unknown>>(account.encryptedCredentials, account.id)));
}
