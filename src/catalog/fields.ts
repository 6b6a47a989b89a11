import type { CredentialFieldInput } from './schema.js';

/** Optional parts of a field definition, for the helpers below. */
type FieldExtras = Omit<CredentialFieldInput, 'name' | 'label' | 'secret'>;

/** A secret credential field (API key, token, password); required unless `extras.required` says otherwise. */
export function secretField(name: string, label: string, extras: FieldExtras = {}): CredentialFieldInput {
  return { name, label, secret: true, ...extras };
}

/** A non-secret field such as an account ID, e-mail, domain or region. */
export function plainField(name: string, label: string, extras: FieldExtras = {}): CredentialFieldInput {
  return { name, label, secret: false, ...extras };
}

/** Regex source for a lowercase UUID, the format of several vendors' keys. */
export const uuidPattern = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

/** Regex source for an e-mail address, loose enough for any real one. */
export const emailPattern = '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$';
