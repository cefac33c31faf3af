import { describe, expect, it } from 'vitest';
import { deriveShownOrder, listFor, myLoad, tabShowing, titleCount, unreadIn, waitingIds } from './selectors.js';
import { chat, ME } from './test-fixtures.js';
import { EMPTY_SUMMARY, initialState, type State } from './types.js';

const waiting = (at: string, unread = 0) => ({ ...EMPTY_SUMMARY, waitingSince: at, unread });

function state(patch: Partial<State> = {}): State {
  return {
    ...initialState,
    me: ME,
    booting: false,
    items: {
      a: chat('a'),
      b: chat('b'),
      q: chat('q', { status: 'queued', agentId: null, createdAt: '2026-01-01T09:30:00Z' }),
      o: chat('o', { agentId: 'other' }),
      x: chat('x', { status: 'closed', closedAt: '2026-01-01T11:00:00Z' }),
    },
    summaries: { a: waiting('2026-01-01T10:05:00Z', 2), b: waiting('2026-01-01T10:01:00Z', 1) },
    ...patch,
  };
}

describe('selectors', () => {
  it('lists each tab: mine, the queue, all open (supervisors), closed', () => {
    const s = state({ tab: 'queue' });
    expect(listFor('mine', s).map((c) => c.id)).toEqual(['b', 'a']);
    expect(listFor('queue', s).map((c) => c.id)).toEqual(['q']);
    expect(listFor('all', s).map((c) => c.id)).toEqual(['q', 'b', 'a', 'o']);
    expect(listFor('closed', s).map((c) => c.id)).toEqual(['x']);
  });

  it('keeps the open tab in its shown order', () => {
    const s = state({ tab: 'mine', shownOrder: ['a', 'b'] });
    expect(listFor('mine', s).map((c) => c.id)).toEqual(['a', 'b']);
  });

  it('derives the shown order: kept on the same tab, fresh on another, none for Closed', () => {
    const before = state({ tab: 'mine', shownOrder: ['a', 'b'] });
    const withNew = { ...before, items: { ...before.items, n: chat('n') } };
    expect(deriveShownOrder(withNew, before)).toEqual({ shownOrder: ['a', 'b', 'n'] });
    expect(deriveShownOrder({ ...before, tab: 'queue' }, before)).toEqual({ shownOrder: ['q'] });
    expect(deriveShownOrder({ ...before, tab: 'closed' }, before)).toEqual({ shownOrder: [] });
    expect(deriveShownOrder({ ...before, helpOpen: true }, before)).toEqual({});
  });

  it('counts my load, unread per tab, and the title count', () => {
    const s = state();
    expect(myLoad(s)).toBe(2);
    expect(unreadIn('mine', s)).toBe(3);
    expect(titleCount(s)).toBe(3);
    expect(titleCount({ ...s, me: null })).toBe(0);
  });

  it('finds what waits for me and the tab that shows a conversation', () => {
    const s = state({ tab: 'queue' });
    expect(waitingIds(s)).toEqual(['b', 'a', 'q']);
    expect(tabShowing(chat('a'), s)).toBe('mine');
    expect(tabShowing(s.items.q!, s)).toBe('queue');
  });
});
