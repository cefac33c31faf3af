import { describe, expect, it } from 'vitest';
import { isOpen, nextOpenAt, openness } from './business-hours.js';
import type { BusinessHours, OpeningRange, WeekDay } from './entities.js';

const at = (iso: string) => Date.parse(iso);
const week = (days: Partial<Record<WeekDay, OpeningRange[]>>): BusinessHours['weekly'] => ({
  mon: [],
  tue: [],
  wed: [],
  thu: [],
  fri: [],
  sat: [],
  sun: [],
  ...days,
});
const nineToFive = [{ start: '09:00', end: '17:00' }];
const workdays = week({ mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive });
const paris: BusinessHours = { timezone: 'Europe/Paris', weekly: workdays, holidays: [] };

describe('isOpen', () => {
  it('reads the local wall time in the site zone, start inclusive and end exclusive', () => {
    // Monday 7 December 2026, Paris is UTC+1
    expect(isOpen(paris, at('2026-12-07T07:59:59Z'))).toBe(false);
    expect(isOpen(paris, at('2026-12-07T08:00:00Z'))).toBe(true);
    expect(isOpen(paris, at('2026-12-07T15:59:59Z'))).toBe(true);
    expect(isOpen(paris, at('2026-12-07T16:00:00Z'))).toBe(false);
    expect(isOpen(paris, at('2026-12-06T10:00:00Z'))).toBe(false); // Sunday
  });

  it('covers several ranges a day and the gap between them', () => {
    const lunch = {
      ...paris,
      weekly: week({
        mon: [
          { start: '09:00', end: '12:00' },
          { start: '13:00', end: '17:00' },
        ],
      }),
    };
    expect(isOpen(lunch, at('2026-12-07T10:59:00Z'))).toBe(true);
    expect(isOpen(lunch, at('2026-12-07T11:30:00Z'))).toBe(false);
    expect(nextOpenAt(lunch, at('2026-12-07T11:30:00Z'))).toBe('2026-12-07T12:00:00.000Z');
  });

  it('treats a holiday as a whole local day, not a UTC day', () => {
    const always = week(
      Object.fromEntries(
        ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ start: '00:00', end: '24:00' }]]),
      ),
    );
    const xmas: BusinessHours = { timezone: 'Europe/Paris', weekly: always, holidays: ['2026-12-25'] };
    expect(isOpen(xmas, at('2026-12-24T22:59:00Z'))).toBe(true); // 23:59 on the 24th in Paris
    expect(isOpen(xmas, at('2026-12-24T23:30:00Z'))).toBe(false); // 00:30 on the 25th in Paris, still the 24th in UTC
    expect(isOpen(xmas, at('2026-12-25T22:59:00Z'))).toBe(false);
    expect(nextOpenAt(xmas, at('2026-12-25T12:00:00Z'))).toBe('2026-12-25T23:00:00.000Z');
  });
});

describe('nextOpenAt', () => {
  it('is null while open, and the next range start in the zone while closed', () => {
    expect(nextOpenAt(paris, at('2026-12-07T09:00:00Z'))).toBeNull();
    expect(nextOpenAt(paris, at('2026-12-07T06:00:00Z'))).toBe('2026-12-07T08:00:00.000Z');
    // Friday 17:00 in Paris → Monday 09:00
    expect(nextOpenAt(paris, at('2026-12-11T16:00:00Z'))).toBe('2026-12-14T08:00:00.000Z');
  });

  it('skips holidays to the next working day', () => {
    const xmas = { ...paris, holidays: ['2026-12-25', '2026-12-28'] };
    // Thursday evening before a Friday holiday, then the weekend, then a Monday holiday → Tuesday
    expect(nextOpenAt(xmas, at('2026-12-24T17:00:00Z'))).toBe('2026-12-29T08:00:00.000Z');
    expect(openness(xmas, at('2026-12-25T10:00:00Z'))).toEqual({ open: false, nextOpenAt: '2026-12-29T08:00:00.000Z' });
  });

  it('runs a range ending at 24:00 into the next day’s 00:00 range', () => {
    const tokyo: BusinessHours = {
      timezone: 'Asia/Tokyo',
      weekly: week({ fri: [{ start: '20:00', end: '24:00' }], sat: [{ start: '00:00', end: '02:00' }] }),
      holidays: [],
    };
    // Friday 11 December 2026, Tokyo is UTC+9
    expect(isOpen(tokyo, at('2026-12-11T10:59:00Z'))).toBe(false);
    expect(nextOpenAt(tokyo, at('2026-12-11T10:59:00Z'))).toBe('2026-12-11T11:00:00.000Z');
    expect(isOpen(tokyo, at('2026-12-11T14:59:59Z'))).toBe(true); // 23:59:59 Friday
    expect(isOpen(tokyo, at('2026-12-11T15:00:00Z'))).toBe(true); // 00:00 Saturday
    expect(isOpen(tokyo, at('2026-12-11T16:59:00Z'))).toBe(true); // 01:59 Saturday
    expect(isOpen(tokyo, at('2026-12-11T17:00:00Z'))).toBe(false); // 02:00 Saturday
    expect(nextOpenAt(tokyo, at('2026-12-11T17:00:00Z'))).toBe('2026-12-18T11:00:00.000Z');
  });

  it('keeps local opening times across a DST change (Europe/Paris, New York)', () => {
    // Paris goes back to UTC+1 on Sunday 25 October 2026: Friday 17:00 CEST → Monday 09:00 CET
    expect(nextOpenAt(paris, at('2026-10-23T15:00:00Z'))).toBe('2026-10-26T08:00:00.000Z');
    // New York goes forward on Sunday 8 March 2026: Saturday → Monday 09:00 EDT (13:00Z, not 14:00Z)
    const ny = { ...paris, timezone: 'America/New_York' };
    expect(nextOpenAt(ny, at('2026-03-07T12:00:00Z'))).toBe('2026-03-09T13:00:00.000Z');
    expect(isOpen(ny, at('2026-03-09T13:00:00Z'))).toBe(true);
    expect(isOpen(ny, at('2026-03-06T13:30:00Z'))).toBe(false); // 08:30 EST the Friday before
  });

  it('opens when the clock jumps into a range whose start does not exist that day', () => {
    // 02:00–04:00 on the Sunday New York skips from 02:00 EST to 03:00 EDT (07:00Z)
    const ny: BusinessHours = {
      timezone: 'America/New_York',
      weekly: week({ sun: [{ start: '02:00', end: '04:00' }] }),
      holidays: [],
    };
    expect(isOpen(ny, at('2026-03-08T06:59:00Z'))).toBe(false); // 01:59 EST
    expect(nextOpenAt(ny, at('2026-03-08T06:30:00Z'))).toBe('2026-03-08T07:00:00.000Z');
    expect(isOpen(ny, at('2026-03-08T07:00:00Z'))).toBe(true); // 03:00 EDT
    expect(isOpen(ny, at('2026-03-08T08:00:00Z'))).toBe(false); // 04:00 EDT
    // a range inside the skipped hour does not open that day at all: the Sunday after, 02:00 EDT
    const skipped = { ...ny, weekly: week({ sun: [{ start: '02:00', end: '02:30' }] }) };
    expect(nextOpenAt(skipped, at('2026-03-08T06:30:00Z'))).toBe('2026-03-15T06:00:00.000Z');
  });

  it('opens again in the repeated hour when the clocks go back', () => {
    // New York, Sunday 1 November 2026: 01:00–02:00 EDT (05:00Z–06:00Z), then 01:00–02:00 EST again
    const ny: BusinessHours = {
      timezone: 'America/New_York',
      weekly: week({ sun: [{ start: '01:00', end: '01:30' }] }),
      holidays: [],
    };
    expect(nextOpenAt(ny, at('2026-11-01T04:00:00Z'))).toBe('2026-11-01T05:00:00.000Z');
    expect(isOpen(ny, at('2026-11-01T05:45:00Z'))).toBe(false); // 01:45 EDT
    expect(nextOpenAt(ny, at('2026-11-01T05:45:00Z'))).toBe('2026-11-01T06:00:00.000Z'); // 01:00 EST
    expect(isOpen(ny, at('2026-11-01T06:15:00Z'))).toBe(true);
  });

  it('never opens a site without any range', () => {
    const never: BusinessHours = { timezone: 'Asia/Tokyo', weekly: week({}), holidays: [] };
    expect(isOpen(never, at('2026-12-07T03:00:00Z'))).toBe(false);
    expect(openness(never, at('2026-12-07T03:00:00Z'))).toEqual({ open: false, nextOpenAt: null });
  });

  it('looks past a year of holidays, and stops there', () => {
    const days = Array.from({ length: 366 }, (_, i) => new Date(Date.UTC(2027, 0, 1 + i)).toISOString().slice(0, 10));
    const everyDay = week(
      Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, nineToFive])),
    );
    const booked: BusinessHours = { timezone: 'Asia/Tokyo', weekly: everyDay, holidays: days };
    // 2027-01-01 … 2028-01-01 are holidays: Sunday 2 January 2028 at 09:00 JST
    expect(nextOpenAt(booked, at('2026-12-31T12:00:00Z'))).toBe('2028-01-02T00:00:00.000Z');
    // only Mondays, and every Monday of the horizon a holiday: nothing found, and it returns
    const mondays = Array.from({ length: 366 }, (_, i) =>
      new Date(Date.UTC(2026, 11, 7 + 7 * i)).toISOString().slice(0, 10),
    );
    const blocked: BusinessHours = { timezone: 'Asia/Tokyo', weekly: week({ mon: nineToFive }), holidays: mondays };
    expect(nextOpenAt(blocked, at('2026-12-06T12:00:00Z'))).toBeNull();
  });

  it('is always open without hours', () => {
    expect(openness(undefined, at('2026-12-06T03:00:00Z'))).toEqual({ open: true, nextOpenAt: null });
  });
});
