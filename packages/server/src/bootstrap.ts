import { randomBytes } from 'node:crypto';
import type { Config } from './config.js';
import type { AuthService } from './domain/auth-service.js';
import type { Logger } from './logger.js';
import type { Store } from './store/store.js';

/** First start: an admin agent and a default site, so the README's first command gives a working chat. */
export async function bootstrap(store: Store, auth: AuthService, config: Config, port: number, log: Logger) {
  if ((await store.agents.count()) === 0) {
    const email = config.adminEmail ?? 'admin@localhost';
    const generated = config.adminPassword === undefined;
    const password = config.adminPassword ?? randomBytes(12).toString('base64url');
    try {
      await auth.createAgent({ email, name: 'Admin', password, role: 'admin', maxChats: 5 });
      log.info({ email }, 'created the first admin agent');
      if (generated) {
        // Printed once, on purpose, outside the JSON log so it never lands in log storage by accident.
        process.stderr.write(
          `\n  Parley admin created: ${email} / ${password}\n  Log in at http://${config.host}:${port}/console/ and change it.\n\n`,
        );
      }
    } catch (error) {
      log.warn({ err: error }, 'admin bootstrap skipped (another process created one)');
    }
  }
  if ((await store.sites.count()) === 0) {
    const origins = config.siteOrigins ?? [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
    const site = await store.sites.create({ name: 'Default site', allowedOrigins: origins });
    log.info({ siteKey: site.key, allowedOrigins: origins }, 'created the default site');
  }
}
