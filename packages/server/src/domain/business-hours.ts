import type { SiteSettings } from '@parley/protocol';
import { openness } from '@parley/protocol/business-hours';
import type { Clock } from './clock.js';

/**
 * Business hours on the server: the rules themselves (isOpen, nextOpenAt) are pure functions shared with the
 * console's settings preview (@parley/protocol/business-hours); here they read the server's one clock.
 */
export { isOpen, nextOpenAt } from '@parley/protocol/business-hours';

/** Whether a site answers now and, when closed, when it opens next (a site without hours is always open). */
export function siteOpenness(settings: SiteSettings, clock: Clock): { open: boolean; nextOpenAt: string | null } {
  return openness(settings.hours, clock.now());
}
