import { z } from 'zod';
import { matchesFieldPattern, maxLengthOf, storedCredentialFieldSchema, type CredentialField } from '../../catalog/index.js';
import type { AuthScheme, Toolkit } from '../../generated/prisma/client.js';

/** The fields the hosted form asks for under a scheme (fields may be tagged per scheme). */
export function formFieldsOf(toolkit: Toolkit, scheme: AuthScheme): CredentialField[] {
  return storedCredentialFieldSchema
    .array()
    .parse(toolkit.fields)
    .filter((field) => !field.authSchemes || field.authSchemes.includes(scheme));
}

function fieldSchema(field: CredentialField) {
  // Length first, and aborting: the pattern only ever sees a value of bounded length.
  let value = z.string().trim().max(maxLengthOf(field), { error: `${field.label} is too long.`, abort: true });
  // "required" is checked first, so an empty input says so rather than "does not look right".
  if (field.required) value = value.min(1, { error: `${field.label} is required.`, abort: true });
  const pattern = field.pattern;
  const checked = pattern
    ? value.refine((text) => matchesFieldPattern(pattern, text), { error: `${field.label} does not look right.` })
    : value;
  return field.required ? checked : z.union([z.literal(''), checked]).transform((v) => v || undefined);
}

export type FormValidation =
  | { ok: true; values: Record<string, string> }
  | { ok: false; fieldErrors: Record<string, string> };

/**
 * Checks what the user typed against the toolkit's fields. Unknown form keys are dropped, so
 * only declared fields ever reach the encrypted credentials.
 */
export function validateCredentialForm(
  fields: readonly CredentialField[],
  submitted: Readonly<Record<string, string | undefined>>,
): FormValidation {
  const schema = z.object(Object.fromEntries(fields.map((field) => [field.name, fieldSchema(field)])));
  const input = Object.fromEntries(fields.map((field) => [field.name, submitted[field.name] ?? '']));
  const result = schema.safeParse(input);
  if (result.success) {
    const values = Object.fromEntries(
      Object.entries(result.data).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
    return { ok: true, values };
  }
  const fieldErrors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const name = String(issue.path[0]);
    fieldErrors[name] ??= issue.message;
  }
  return { ok: false, fieldErrors };
}
