import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';

// Starts the server from the environment and stops it cleanly on SIGINT/SIGTERM.
let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

const logger = createLogger(config.logLevel);
const app = buildApp(config, { logger });
try {
  const started = await app.start();
  if (started.createdApiKey) {
    // Shown once, on the terminal only: the database keeps a hash, logs never see it.
    process.stdout.write(
      `\nAn admin API key was created for the default project. It will not be shown again:\n\n` +
        `    ${started.createdApiKey}\n\n` +
        `Send it as \`Authorization: Bearer <key>\` to ${started.publicUrl}/graphql\n\n`,
    );
  }
} catch (error) {
  logger.fatal({ err: error }, 'could not start');
  await app.stop().catch(() => undefined);
  process.exit(1);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
