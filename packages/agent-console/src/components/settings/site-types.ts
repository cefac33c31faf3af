import type { Site } from '@parley/protocol';

/** A site as an admin reads it: with the secret that signs visitor identities. */
export type SiteWithSecret = Site & { identitySecret: string };

/** Allowed origins typed one per line (or comma-separated), without trailing slashes. */
export function originsFrom(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean);
}
