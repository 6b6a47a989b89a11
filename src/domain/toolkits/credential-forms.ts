import { z } from 'zod';
import { matchesFieldPattern, maxLengthOf, storedCredentialFieldSchema, type CredentialField } from '../../catalog/index.js';
import type { AuthScheme, Toolkit } from '../../generated/prisma/client.js';

// Every hosted page and form submission reads a toolkit's fields and checks them: the parsed
// fields and each field's schema are kept for as long as the toolkit row they came from (the
// read cache's), as building zod schemas costs more than the checks themselves.
const storedFieldsSchema = storedCredentialFieldSchema.array();
const parsedFields = new WeakMap<object, CredentialField[]>();
const fieldSchemas = new WeakMap<CredentialField, ReturnType<typeof buildFieldSchema>>();

function storedFieldsOf(toolkit: Toolkit): CredentialField[] {
  const raw = toolkit.fields;
  if (typeof raw !== 'object' || raw === null) return storedFieldsSchema.parse(raw);
  let fields = parsedFields.get(raw);
  if (!fields) {
    fields = storedFieldsSchema.parse(raw);
    parsedFields.set(raw, fields);
  }
  return fields;
}

/** The fields the hosted form asks for under a scheme (fields may be tagged per scheme). */
export function formFieldsOf(toolkit: Toolkit, scheme: AuthScheme): CredentialField[] {
  return storedFieldsOf(toolkit).filter((field) => !field.authSchemes || field.authSchemes.includes(scheme));
}

function fieldSchema(field: CredentialField) {
  let schema = fieldSchemas.get(field);
  if (!schema) {
    schema = buildFieldSchema(field);
    fieldSchemas.set(field, schema);
  }
  return schema;
}

function buildFieldSchema(field: CredentialField) {
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
  const values: Record<string, string> = {};
  const fieldErrors: Record<string, string> = {};
  for (const field of fields) {
    const result = fieldSchema(field).safeParse(submitted[field.name] ?? '');
    if (!result.success) fieldErrors[field.name] = result.error.issues[0]!.message;
    else if (typeof result.data === 'string') values[field.name] = result.data;
  }
  return Object.keys(fieldErrors).length === 0 ? { ok: true, values } : { ok: false, fieldErrors };
}
