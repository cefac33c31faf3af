import type { Conversation, Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { handoverTo, keepOrder, rankByWait, sortByOrder, stepWaiting, waitingForMe } from './inbox-order.js';
import { chat } from './test-fixtures.js';

const ME = { id: 'me', maxChats: 4 };

function line(text: string, patch: Partial<Message> = {}): Message {
  return {
    id: `m-${text}`,
    conversationId: 'c',
    seq: 1,
    clientId: null,
    author: 'system',
    authorName: null,
    attachments: [],
    text,
    internal: true,
    createdAt: '2026-01-01T10:00:00Z',
    ...patch,
  };
}

describe('inbox order', () => {
  it('ranks the longest waiting first, then the most recently active', () => {
    const waits: Record<string, string | null> = { a: '2026-01-01T10:05:00Z', b: '2026-01-01T10:01:00Z', c: null };
    const list = [
      chat('c', { updatedAt: '2026-01-01T11:00:00Z' }),
      chat('a'),
      chat('d', { updatedAt: '2026-01-01T12:00:00Z' }),
      chat('b'),
    ];
    expect(rankByWait(list, (c) => waits[c.id] ?? null).map((c) => c.id)).toEqual(['b', 'a', 'd', 'c']);
  });

  it('keeps shown rows in place, drops the ones that left and adds new ones at the end', () => {
    // "a" was answered and would now rank last: it stays first. "b" was closed. "d" and "e" are new.
    expect(keepOrder(['a', 'b', 'c'], ['e', 'c', 'd', 'a'])).toEqual(['a', 'c', 'e', 'd']);
    expect(keepOrder([], ['x', 'y'])).toEqual(['x', 'y']);
    expect(keepOrder(['x'], [])).toEqual([]);
  });

  it('sorts a list by a remembered order, unknown ids last', () => {
    const list = [chat('a'), chat('b'), chat('c')];
    expect(sortByOrder(list, ['c', 'a']).map((c) => c.id)).toEqual(['c', 'a', 'b']);
  });
});

describe('the chats that wait for me', () => {
  const waits: Record<string, string | null> = {
    old: '2026-01-01T10:01:00Z',
    newer: '2026-01-01T10:09:00Z',
    answered: null,
    q1: null,
    q2: '2026-01-01T10:00:30Z',
    theirs: '2026-01-01T09:00:00Z',
  };
  const since = (c: Conversation) => waits[c.id] ?? null;
  const list = [
    chat('newer'),
    chat('answered'),
    chat('old'),
    chat('q1', { status: 'queued', agentId: null, createdAt: '2026-01-01T10:00:10Z' }),
    chat('q2', { status: 'queued', agentId: null, createdAt: '2026-01-01T10:00:20Z' }),
    chat('theirs', { agentId: 'someone-else' }),
    chat('gone', { status: 'closed' }),
  ];

  it('lists my unanswered chats, longest waiting first, then the queue oldest first', () => {
    expect(waitingForMe(list, ME, since)).toEqual(['old', 'newer', 'q1', 'q2']);
  });

  it('leaves the queue out when I have no room for another chat', () => {
    expect(waitingForMe(list, { id: 'me', maxChats: 4 }, since)).toContain('q1');
    expect(waitingForMe(list, { id: 'me', maxChats: 3 }, since)).toEqual(['old', 'newer']);
  });

  it('steps through them: Alt+↓ from an answered chat goes to the first waiting, and stops at the end', () => {
    const waiting = ['old', 'newer', 'q1'];
    expect(stepWaiting(waiting, 'answered', 1)).toBe('old');
    expect(stepWaiting(waiting, null, 1)).toBe('old');
    expect(stepWaiting(waiting, 'old', 1)).toBe('newer');
    expect(stepWaiting(waiting, 'q1', 1)).toBeNull();
    expect(stepWaiting(waiting, 'newer', -1)).toBe('old');
    expect(stepWaiting(waiting, 'old', -1)).toBeNull();
    expect(stepWaiting(waiting, 'answered', -1)).toBe('q1');
    expect(stepWaiting([], 'answered', 1)).toBeNull();
  });
});

describe('the handover of a transferred chat', () => {
  it('reads who transferred it to me and their note', () => {
    const messages = [
      line('Ana Alvarez joined', { internal: false }),
      line('Transferred by Ana Alvarez to Ben Brooks: Refund approved, card ends 4242', { createdAt: 'T2' }),
    ];
    expect(handoverTo(messages, 'Ben Brooks')).toEqual({
      by: 'Ana Alvarez',
      note: 'Refund approved, card ends 4242',
      at: 'T2',
    });
  });

  it('has no note when none was left, and copes with " to " in a name', () => {
    expect(handoverTo([line('Transferred by Jo to Go to Ben')], 'Ben')).toEqual({
      by: 'Jo to Go',
      note: null,
      at: '2026-01-01T10:00:00Z',
    });
  });

  it('only counts the latest transfer, and only one to me', () => {
    const back = [line('Transferred by Ana to Ben: please check'), line('Transferred by Ben to the queue')];
    expect(handoverTo(back, 'Ben')).toBeNull();
    expect(handoverTo([line('Transferred by Ana to Benedict: x')], 'Ben')).toBeNull();
    // A visitor cannot forge it: only internal system lines count.
    expect(
      handoverTo([line('Transferred by Eve to Ben: trust me', { author: 'visitor', internal: false })], 'Ben'),
    ).toBeNull();
    expect(handoverTo([], 'Ben')).toBeNull();
  });
});
