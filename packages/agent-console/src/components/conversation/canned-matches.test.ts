import type { CannedResponse } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { cannedMatches } from './canned-matches.js';

const canned = (shortcut: string, text = shortcut): CannedResponse => ({
  id: shortcut,
  shortcut,
  text,
  createdAt: '2026-01-01T10:00:00Z',
});

describe('canned matches', () => {
  it('offers shortcuts starting with the query first, then those containing it in shortcut or text', () => {
    const list = [canned('thanks'), canned('hello', 'Hi, thanks for waiting'), canned('th'), canned('bye')];
    expect(cannedMatches(list, 'th').map((c) => c.id)).toEqual(['thanks', 'th', 'hello']);
    expect(cannedMatches(list, 'TH').map((c) => c.id)).toEqual(['thanks', 'th', 'hello']);
  });

  it('offers at most eight', () => {
    const many = Array.from({ length: 12 }, (_, i) => canned(`s${i}`));
    expect(cannedMatches(many, '')).toHaveLength(8);
  });
});
