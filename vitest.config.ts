import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  // graphql ships CommonJS and ESM builds; Pothos and yoga load one, Vite would give the tests
  // the other, and graphql refuses types "from another module or realm". One copy for all.
  resolve: { alias: { graphql: require.resolve('graphql') } },
  test: {
    include: ['test/**/*.test.ts'],
    // The client package is tested built, as its users get it.
    globalSetup: ['test/support/client-build.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Each file starts its own servers and databases; two cores fit two files at a time.
    maxWorkers: 2,
  },
});
