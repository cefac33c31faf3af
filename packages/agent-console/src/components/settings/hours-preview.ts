import type { BusinessHours } from '@parley/protocol';
import { isTimezone, openness } from '@parley/protocol/business-hours';

const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The timezones to offer (this browser's list), the browser's own first. */
export function timezones(): string[] {
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [own, ...all.filter((z) => z !== own)];
}

/**
 * The settings preview, computed in the browser with the server's rules: "Open now", or "Closed — opens
 * Mon 09:00 (site time)" (with the date when more than six days ahead); or what to fix before it can tell.
 */
export function hoursPreview(hours: BusinessHours, nowMs: number): string {
  if (!isTimezone(hours.timezone)) return 'Choose a valid timezone to see a preview';
  const ranges = Object.values(hours.weekly).flat();
  if (ranges.some((r) => !TIME.test(r.start) || !TIME.test(r.end) || r.start >= r.end))
    return 'Fix the hours (HH:MM, start before end) to see a preview';
  const { open, nextOpenAt } = openness({ ...hours, holidays: hours.holidays.filter((d) => DAY.test(d)) }, nowMs);
  if (open) return 'Open now';
  if (!nextOpenAt) return 'Closed — no opening hours ahead';
  const at = Date.parse(nextOpenAt);
  const when = new Intl.DateTimeFormat('en-GB', {
    timeZone: hours.timezone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(at - nowMs > 6 * 86_400_000 ? { day: 'numeric', month: 'short' } : {}),
  }).format(at);
  return `Closed — opens ${when.replace(',', '')} (site time)`;
}
