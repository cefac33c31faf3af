import type { Config } from '../../config.js';
import { addressesIn } from './inbound-mail.js';

/**
 * Parley's own email addresses: the domain of reply addresses (PARLEY_EMAIL_REPLY_DOMAIN, else the host of
 * the public URL) and the From of its emails (PARLEY_EMAIL_FROM, else parley@<reply domain>).
 */
export function ownAddresses(config: Pick<Config, 'email' | 'publicUrl' | 'host'>, port: number) {
  const domain = (
    config.email.replyDomain ?? new URL(config.publicUrl ?? `http://${config.host}:${port}`).hostname
  ).toLowerCase();
  const address = (config.email.from && addressesIn(config.email.from)[0]) || `parley@${domain}`;
  return { domain, address };
}
