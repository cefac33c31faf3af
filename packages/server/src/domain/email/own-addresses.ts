import type { Config } from '../../config.js';
import { emailAddressing } from './addressing.js';
import { addressesIn } from './inbound-mail.js';

/**
 * Parley's own email addresses as inbound mail sees them: the domain of reply addresses and the bare
 * address of its From (from emailAddressing, so both directions agree).
 */
export function ownAddresses(config: Pick<Config, 'email' | 'publicUrl' | 'host'>, port: number) {
  const { replyDomain, from } = emailAddressing(config, port);
  const domain = replyDomain.toLowerCase();
  return { domain, address: addressesIn(from)[0] ?? `parley@${domain}` };
}
