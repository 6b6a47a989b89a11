import { createRequire } from 'node:module';
import { configDefaults, defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  // graphql ships CommonJS and ESM builds; Pothos and yoga load one, Vite would give the tests
  // the other, and graphql refuses types "from another module or realm". One copy for all.
  resolve: { alias: { graphql: require.resolve('graphql') } },
  test: {
    include: ['test/**/*.test.ts'],
    // Tests of the test harness itself (the loopback OAuth server, the cookie jar) run with
    // `npm run test:harness`, not with the product's suite.
    exclude: process.env.TEST_HARNESS ? configDefaults.exclude : [...configDefaults.exclude, 'test/harness/**'],
    // global-setup prepares the test databases; client-build builds the client package, which
    // the tests use built, as its users get it.
    globalSetup: ['test/support/global-setup.ts', 'test/support/client-build.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Each file starts its own servers and databases; two cores fit two files at a time.
    maxWorkers: 2,
    // A worker runs file after file in one process: the app's modules, Prisma's and PGlite's
    // WebAssembly are loaded and compiled once per worker, not once per file (that was about a
    // third of the suite's time). Files share no state but the module caches, so each file stops
    // what it starts (apps, servers, clients) and restores what it changes (process.env, spies).
    isolate: false,
  },
});
