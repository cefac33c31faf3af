import { describe, expect, it } from 'vitest';
import { fileSize, formatDuration, initials, parseUserAgent, since, visitorLabel } from './format.js';

describe('console formatting helpers', () => {
  it('shows file sizes in bytes, KB or MB', () => {
    expect(fileSize(512)).toBe('512 B');
    expect(fileSize(14 * 1024 + 100)).toBe('14 KB');
    expect(fileSize(2.4 * 1024 * 1024)).toBe('2.4 MB');
    expect(fileSize(12 * 1024 * 1024)).toBe('12 MB');
  });
  it('shows durations the way a supervisor reads them', () => {
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(300)).toBe('5m');
    expect(formatDuration(7500)).toBe('2h 5m');
    expect(formatDuration(3 * 86_400)).toBe('3d');
    expect(formatDuration(null)).toBe('—');
  });
  it('shows compact waiting times in the inbox', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(since('2026-01-01T11:59:50Z', now)).toBe('now');
    expect(since('2026-01-01T11:56:00Z', now)).toBe('4m');
    expect(since('2026-01-01T10:00:00Z', now)).toBe('2h');
  });
  it('names browsers and systems in the visitor sidebar', () => {
    expect(
      parseUserAgent(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
      ),
    ).toEqual({ browser: 'Chrome 126', os: 'macOS' });
    expect(
      parseUserAgent(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Version/17.4 Mobile/15E148 Safari/604.1',
      ),
    ).toEqual({ browser: 'Safari 17', os: 'iOS 17' });
    expect(parseUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0')).toEqual({
      browser: 'Firefox 128',
      os: 'Windows 10/11',
    });
    expect(parseUserAgent(null)).toBeNull();
  });
  it('labels visitors without a name and makes avatar initials', () => {
    expect(visitorLabel({ visitorId: 'ab12cd', visitorName: null })).toBe('Visitor AB12');
    expect(visitorLabel({ visitorId: 'x', visitorName: 'Ada Lovelace' })).toBe('Ada Lovelace');
    expect(initials('Ada King Lovelace')).toBe('AL');
    expect(initials('')).toBe('?');
  });
});
