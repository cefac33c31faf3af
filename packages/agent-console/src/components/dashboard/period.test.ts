import { afterEach, describe, expect, it, vi } from 'vitest';
import { range } from './period.js';

describe('dashboard periods', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts at local midnight of the first day and ends a minute from now', () => {
    vi.useFakeTimers();
    const now = new Date(2026, 2, 10, 15, 30);
    vi.setSystemTime(now);
    expect(range('today')).toEqual({
      from: new Date(2026, 2, 10).toISOString(),
      to: new Date(now.getTime() + 60_000).toISOString(),
    });
    expect(range('7d').from).toBe(new Date(2026, 2, 4).toISOString());
    expect(range('30d').from).toBe(new Date(2026, 1, 9).toISOString());
  });
});
