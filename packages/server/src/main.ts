import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startParley } from './server.js';

/** Process entry: read config, start, and stop gracefully on SIGTERM/SIGINT (exit 0 within 10 s). */
async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
  process.on('uncaughtException', (error) => log.error({ err: error }, 'uncaught exception'));

  const parley = await startParley(config, log);
  let exiting = false;
  const shutdown = (signal: string) => {
    if (exiting) return;
    exiting = true;
    log.info({ signal }, 'signal received');
    const force = setTimeout(() => {
      log.warn('shutdown took too long; exiting');
      process.exit(0);
    }, 9000);
    force.unref();
    parley.stop().then(
      () => process.exit(0),
      (error) => {
        log.error({ err: error }, 'error during shutdown');
        process.exit(0);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error) => {
  process.stderr.write(`parley failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
