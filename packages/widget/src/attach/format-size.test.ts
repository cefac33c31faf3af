import { describe, expect, it } from 'vitest';
import { formatPercent, formatSize } from './format-size';

describe('formatSize', () => {
  it('picks bytes, kilobytes or megabytes (SI) with at most one decimal', () => {
    expect(formatSize(0, 'en')).toBe('0 byte');
    expect(formatSize(999, 'en')).toBe('999 byte');
    expect(formatSize(1536, 'en')).toBe('1.5 kB');
    expect(formatSize(250_000, 'en')).toBe('250 kB');
    expect(formatSize(10 * 1e6, 'en')).toBe('10 MB');
    expect(formatSize(2_345_678, 'en')).toBe('2.3 MB');
  });

  it("writes numbers the way the visitor's locale does", () => {
    expect(formatSize(1536, 'de')).toBe('1,5 kB');
    expect(formatSize(1536, 'fr')).toMatch(/^1,5\s?ko$/);
    expect(formatSize(1536, 'ar')).not.toBe(formatSize(1536, 'en'));
  });
});

describe('formatPercent', () => {
  it('formats a fraction as a percentage', () => {
    expect(formatPercent(0.25, 'en')).toBe('25%');
    expect(formatPercent(0.5, 'de')).toMatch(/^50\s%$/);
  });
});
