import { builder } from './builder.js';

/** A name and a value: an HTTP header or a query parameter, in order, repeatable. */
export const NameValueInput = builder.inputType('NameValueInput', {
  description: 'A name and a value (an HTTP header or a query parameter); a name may repeat.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'The name.' }),
    value: t.string({ required: true, description: 'The value.' }),
  }),
});

/** The output twin of {@link NameValueInput}. */
export const NameValueRef = builder.objectRef<{ name: string; value: string }>('NameValue').implement({
  description: 'A name and a value (an HTTP header).',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The name (lowercase for headers).' }),
    value: t.exposeString('value', { description: 'The value.' }),
  }),
});
