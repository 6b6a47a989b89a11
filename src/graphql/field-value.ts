import { asFieldValues } from '../domain/toolkits/toolkit-endpoints.js';
import { builder } from './builder.js';

interface FieldValue {
  name: string;
  value: string;
}

export const FieldValueRef = builder.objectRef<FieldValue>('FieldValue').implement({
  description:
    "A value for a `[field]` placeholder in a toolkit's OAuth URLs, such as a shop's subdomain or a tenant. Never a secret.",
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The toolkit field it fills.' }),
    value: t.exposeString('value', { description: 'What the placeholder becomes.' }),
  }),
});

export const FieldValueInput = builder.inputType('FieldValueInput', {
  description: "A value for a `[field]` placeholder in the toolkit's OAuth URLs.",
  fields: (t) => ({
    name: t.string({ required: true, description: 'The toolkit field, as listed in Toolkit.fields.' }),
    value: t.string({ required: true, description: "The field's value; checked against its pattern." }),
  }),
});

/** Stored values as a list, in name order so that output is stable. */
export function fieldValueList(stored: unknown): FieldValue[] {
  return Object.entries(asFieldValues(stored))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value }));
}
