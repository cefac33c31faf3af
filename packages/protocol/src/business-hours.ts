import { type BusinessHours, WEEK_DAYS, type WeekDay } from './entities.js';

/**
 * Whether a site answers at an instant, and when it opens next: pure functions over `BusinessHours`, with
 * the site's local wall time read through Intl (DST-correct, no date library). Shared by the server (the
 * widget config) and the console (the settings preview).
 */

/** Whether `zone` is an IANA timezone this runtime knows (Intl accepts it). */
export function isTimezone(zone: string): boolean {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A local wall time in the site's zone: the calendar day, its weekday, and minutes since midnight. */
type Wall = { day: string; weekday: WeekDay; minutes: number; asUtc: number };

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    if (formatters.size > 500) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

function wallAt(timeZone: string, atMs: number): Wall {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(atMs)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  return {
    day: new Date(asUtc).toISOString().slice(0, 10),
    weekday: weekdayOf(asUtc),
    minutes: hour * 60 + minute,
    asUtc,
  };
}

/** The weekday of a calendar day given as its UTC midnight (Date#getUTCDay: 0 is Sunday). */
const weekdayOf = (utcMs: number): WeekDay => WEEK_DAYS[(new Date(utcMs).getUTCDay() + 6) % 7]!;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function openAtWall(hours: BusinessHours, wall: Wall): boolean {
  if (hours.holidays.includes(wall.day)) return false;
  return hours.weekly[wall.weekday].some((r) => minutesOf(r.start) <= wall.minutes && wall.minutes < minutesOf(r.end));
}

/** Inside business hours at `atMs`: a range of the local weekday covers the local time, and it is no holiday. */
export function isOpen(hours: BusinessHours, atMs: number): boolean {
  return openAtWall(hours, wallAt(hours.timezone, atMs));
}

/**
 * The instants whose local wall time is `wallMs` (a local date-time written as if it were UTC): one usually,
 * two in the repeated hour when clocks go back, and in the hour skipped when clocks go forward, the first
 * instant after the jump (when the wall clock passes that time).
 */
function instantsOf(timeZone: string, wallMs: number): number[] {
  const offsetAt = (t: number) => wallAt(timeZone, t).asUtc - Math.floor(t / 1000) * 1000;
  // a zone changes its offset at most once within a day: the offsets 14 h either side are the only ones
  const tries = [...new Set([offsetAt(wallMs - 14 * 3_600_000), offsetAt(wallMs + 14 * 3_600_000)])].map(
    (offset) => wallMs - offset,
  );
  const exact = tries.filter((t) => wallAt(timeZone, t).asUtc === wallMs).sort((a, b) => a - b);
  if (exact.length) return exact;
  // skipped: the wall clock jumps over wallMs between the two tries; find the jump (to the second)
  let lo = Math.min(...tries);
  let hi = Math.max(...tries);
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000;
    if (wallAt(timeZone, mid).asUtc >= wallMs) hi = mid;
    else lo = mid;
  }
  return [hi];
}

/**
 * The next instant the site opens, as ISO 8601; null when it is open at `atMs` or does not open within the
 * horizon (two weeks past every holiday: a site without any range, or closed by holidays for longer, never
 * opens). Openings happen when the local clock reaches a range's start on a day that is no holiday (or jumps
 * past it, at a DST change).
 */
export function nextOpenAt(hours: BusinessHours, atMs: number): string | null {
  if (isOpen(hours, atMs)) return null;
  const today = wallAt(hours.timezone, atMs);
  const firstDay = Date.UTC(
    Number(today.day.slice(0, 4)),
    Number(today.day.slice(5, 7)) - 1,
    Number(today.day.slice(8, 10)),
  );
  const horizonDays = 14 + hours.holidays.length;
  for (let i = 0; i <= horizonDays; i++) {
    const dayMs = firstDay + i * 86_400_000;
    const ranges = hours.weekly[weekdayOf(dayMs)];
    if (!ranges.length || hours.holidays.includes(new Date(dayMs).toISOString().slice(0, 10))) continue;
    const openings = ranges
      .flatMap((r) => instantsOf(hours.timezone, dayMs + minutesOf(r.start) * 60_000))
      .filter((t) => t > atMs && isOpen(hours, t));
    if (openings.length) return new Date(Math.min(...openings)).toISOString();
  }
  return null;
}

/** What the widget config says about a site's hours at `atMs`: always open without hours. */
export function openness(hours: BusinessHours | undefined, atMs: number): { open: boolean; nextOpenAt: string | null } {
  if (!hours) return { open: true, nextOpenAt: null };
  const open = isOpen(hours, atMs);
  return { open, nextOpenAt: open ? null : nextOpenAt(hours, atMs) };
}
