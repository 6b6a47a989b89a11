import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';

// Prisma's CLI would download a native schema engine before every command; this project ships
// its own (WASM, offline) and points the CLI at it unless the user already chose an engine.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(
  new URL('./scripts/schema-engine/schema-engine', import.meta.url),
);

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    // Only the CLI reads this (migrate dev/diff/status); the server builds its own connection.
    url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/connect_dev',
    shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL,
  },
});
