import type { Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { lastSeq, mergeMessages } from './message-store';

const msg = (seq: number, patch: Partial<Message> = {}): Message => ({
  id: `m${seq}`,
  conversationId: 'c1',
  seq,
  clientId: null,
  author: 'agent',
  authorName: 'Alex',
  text: `text ${seq}`,
  attachments: [],
  internal: false,
  createdAt: new Date(2025, 0, 1, 0, seq).toISOString(),
  ...patch,
});

describe('mergeMessages', () => {
  it('orders by seq and deduplicates by id', () => {
    const merged = mergeMessages([msg(1), msg(3)], [msg(2), msg(3), msg(1)]);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('returns the same array when nothing is new (no re-render)', () => {
    const current = [msg(1), msg(2)];
    expect(mergeMessages(current, [msg(2)])).toBe(current);
  });

  it('never shows internal notes', () => {
    expect(mergeMessages([], [msg(1), msg(2, { internal: true })]).map((m) => m.seq)).toEqual([1]);
  });

  it('ignores messages of another conversation', () => {
    expect(mergeMessages([msg(1)], [msg(2, { conversationId: 'c2' })]).map((m) => m.id)).toEqual(['m1']);
  });

  it('reports the last seq', () => {
    expect(lastSeq([])).toBe(0);
    expect(lastSeq(mergeMessages([], [msg(5), msg(2)]))).toBe(5);
  });
});
