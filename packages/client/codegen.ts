// Generates the typed operations from the server's printed schema. Run `npm run codegen` (from
// packages/client) after changing schema.graphql or src/operations; a test fails when stale.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: new URL('../../schema.graphql', import.meta.url).pathname,
  documents: new URL('./src/operations/*.graphql', import.meta.url).pathname,
  generates: {
    [new URL('./src/generated/graphql.ts', import.meta.url).pathname]: {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        documentMode: 'string',
        enumsAsTypes: true,
        useTypeImports: true,
        avoidOptionals: { field: true, inputValue: false, object: true },
        scalars: { DateTime: 'string', ID: 'string', JSON: 'unknown' },
        skipTypename: true,
      },
    },
  },
  silent: true,
};

export default config;
