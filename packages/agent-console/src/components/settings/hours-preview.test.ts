import type { BusinessHours } from '@parley/protocol';
import { isTimezone } from '@parley/protocol/business-hours';
import { describe, expect, it } from 'vitest';
import { hoursPreview } from './hours-preview.js';

const nineToFive = [{ start: '09:00', end: '17:00' }];
const tokyo: BusinessHours = {
  timezone: 'Asia/Tokyo',
  weekly: { mon: nineToFive, tue: nineToFive, wed: [], thu: [], fri: [], sat: [], sun: [] },
  holidays: [],
};
// Monday 7 December 2026, 14:30 UTC: 23:30 in Tokyo
const now = Date.parse('2026-12-07T14:30:00Z');

describe('hoursPreview', () => {
  it('says open now, or when the site opens next in site time', () => {
    expect(hoursPreview(tokyo, Date.parse('2026-12-07T01:00:00Z'))).toBe('Open now');
    expect(hoursPreview(tokyo, now)).toBe('Closed — opens Tue 09:00 (site time)');
    // Tuesday a holiday: next Monday, more than six days ahead, with its date
    expect(hoursPreview({ ...tokyo, holidays: ['2026-12-08'] }, now)).toBe(
      'Closed — opens Mon 14 Dec 09:00 (site time)',
    );
  });

  it('says what to fix instead of guessing', () => {
    expect(hoursPreview({ ...tokyo, timezone: 'Tokyo' }, now)).toMatch(/valid timezone/);
    expect(
      hoursPreview({ ...tokyo, weekly: { ...tokyo.weekly, wed: [{ start: '18:00', end: '09:00' }] } }, now),
    ).toMatch(/Fix the hours/);
    const never = { ...tokyo, weekly: { ...tokyo.weekly, mon: [], tue: [] } };
    expect(hoursPreview(never, now)).toBe('Closed — no opening hours ahead');
    expect(isTimezone('Europe/Paris')).toBe(true);
    expect(isTimezone('')).toBe(false);
  });
});
