import type { Config } from '../../config.js';
import type { Addressing } from './email-content.js';

/**
 * Where emails come from and point to: links under PARLEY_PUBLIC_URL (default http://HOST:PORT), replies to
 * PARLEY_EMAIL_REPLY_DOMAIN (default the public URL's host), From PARLEY_EMAIL_FROM (default
 * "Parley <parley@<reply domain>>").
 */
export function emailAddressing(config: Pick<Config, 'publicUrl' | 'host' | 'email'>, port: number): Addressing {
  const publicUrl = config.publicUrl ?? `http://${config.host}:${port}`;
  const replyDomain = config.email.replyDomain ?? new URL(publicUrl).hostname;
  return { publicUrl, replyDomain, from: config.email.from ?? `Parley <parley@${replyDomain}>` };
}
