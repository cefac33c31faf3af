import { describe, expect, it } from 'vitest';
import {
  conversationChanged,
  conversationJoined,
  conversationOpened,
  messageFailed,
  messageReceived,
  messageSending,
  messageSent,
  olderClosedLoaded,
  presenceChanged,
  typingChanged,
  typingExpired,
} from './reducers.js';
import { summarize, summaryFromLoaded } from './summaries.js';
import { chat, ME, msg } from './test-fixtures.js';
import { type ChatMessage, EMPTY_SUMMARY, initialState, type State } from './types.js';

const state = (patch: Partial<State> = {}): State => ({ ...initialState, me: ME, booting: false, ...patch });
const apply = (s: State, patch: Partial<State>): State => ({ ...s, ...patch });

describe('summaries', () => {
  it('previews the last visitor or agent message and waits from the first unanswered visitor one', () => {
    const sum = summarize([msg(1), msg(2, { author: 'agent', authorName: 'Me' }), msg(3), msg(4)]);
    expect(sum).toMatchObject({ preview: 'text 4', previewAuthor: 'visitor', waitingSince: msg(3).createdAt, seq: 4 });
  });

  it('skips internal notes, and shows a system line only when nothing else is there', () => {
    expect(summarize([msg(1, { author: 'system' }), msg(2, { internal: true, author: 'agent' })]).preview).toBe(
      'text 1',
    );
    expect(summarize([msg(1), msg(2, { author: 'system' })]).preview).toBe('text 1');
  });

  it('keeps a summary that reflects later messages than a loaded list', () => {
    const newer = { ...EMPTY_SUMMARY, preview: 'newer', seq: 9 };
    expect(summaryFromLoaded([msg(1)], newer)).toBe(newer);
    expect(summaryFromLoaded([msg(1)], { ...newer, seq: 0 }).preview).toBe('text 1');
  });
});

describe('reducers', () => {
  it('counts a visitor message as unread unless the agent is looking at it', () => {
    const s = state({ activeId: 'c', messages: { c: [] } });
    expect(messageReceived(s, msg(1), true).summaries?.c?.unread).toBe(0);
    expect(messageReceived(s, msg(1), false).summaries?.c?.unread).toBe(1);
    expect(messageReceived({ ...s, activeId: null }, msg(1), true).summaries?.c?.unread).toBe(1);
  });

  it('places messages by seq and replaces my optimistic copy by clientId', () => {
    const optimistic: ChatMessage = {
      ...msg(99, { author: 'agent', clientId: 'k' }),
      id: 'local:k',
      delivery: 'sending',
    };
    let s = state({ messages: { c: [msg(1)] } });
    s = apply(s, messageSending(s, optimistic));
    s = apply(s, messageReceived(s, msg(2), true));
    s = apply(s, messageReceived(s, msg(3, { author: 'agent', clientId: 'k' }), true));
    expect(s.messages.c?.map((m) => [m.seq, m.delivery])).toEqual([
      [1, undefined],
      [2, undefined],
      [3, 'sent'],
    ]);
    expect(s.summaries.c).toMatchObject({ preview: 'text 3', waitingSince: null });
    s = apply(s, messageSent(s, optimistic));
    expect(s.messages.c).toHaveLength(3);
  });

  it('marks a failed send on the optimistic copy only', () => {
    const optimistic: ChatMessage = {
      ...msg(99, { author: 'agent', clientId: 'k' }),
      id: 'local:k',
      delivery: 'sending',
    };
    let s = state({ messages: { c: [msg(1)] } });
    s = apply(s, messageSending(s, optimistic));
    s = apply(s, messageFailed(s, optimistic));
    expect(s.messages.c?.map((m) => m.delivery)).toEqual([undefined, 'failed']);
  });

  it('stops the typing preview when the visitor sends', () => {
    let s = state({ messages: { c: [] } });
    s = apply(s, typingChanged(s, { conversationId: 'c', typing: true, preview: 'hel' }, 1000));
    expect(s.typing.c).toEqual({ preview: 'hel', at: 1000 });
    s = apply(s, messageReceived(s, msg(1), true));
    expect(s.typing.c).toBeUndefined();
  });

  it('expires typing previews after 8 s of silence, and changes nothing otherwise', () => {
    const s = state({ typing: { a: { preview: null, at: 1000 }, b: { preview: null, at: 5000 } } });
    expect(typingExpired(s, 9500)).toEqual({ typing: { b: { preview: null, at: 5000 } } });
    expect(typingExpired(s, 8000)).toEqual({});
  });

  it('merges a changed conversation; a closed one waits for nobody', () => {
    const s = state({
      items: { c: chat('c', { visitorName: 'Ada' }) },
      summaries: { c: { ...EMPTY_SUMMARY, waitingSince: 'x', fresh: true } },
    });
    const next = apply(s, conversationChanged(s, chat('c', { status: 'closed' })));
    expect(next.items.c).toMatchObject({ status: 'closed', visitorName: 'Ada' });
    expect(next.summaries.c).toMatchObject({ waitingSince: null, fresh: false });
  });

  it('keeps unsent messages when joining a conversation, and marks it read', () => {
    const failed: ChatMessage = { ...msg(99, { clientId: 'k', author: 'agent' }), delivery: 'failed' };
    const s = state({ messages: { c: [failed] }, summaries: { c: { ...EMPTY_SUMMARY, unread: 3, fresh: true } } });
    const next = apply(s, conversationJoined(s, chat('c'), [msg(1)]));
    expect(next.messages.c?.map((m) => m.seq)).toEqual([1, 99]);
    expect(next.summaries.c).toMatchObject({ unread: 0, fresh: false, preview: 'text 1' });
  });

  it('opens a conversation read, with dialogs closed and the composer replying', () => {
    const s = state({
      transferOpen: true,
      composerMode: 'note',
      summaries: { c: { ...EMPTY_SUMMARY, unread: 2, fresh: true } },
    });
    const next = apply(s, conversationOpened(s, 'c'));
    expect(next).toMatchObject({ activeId: 'c', transferOpen: false, composerMode: 'reply' });
    expect(next.summaries.c).toMatchObject({ unread: 0, fresh: false });
  });

  it('adds older closed conversations without overwriting known ones', () => {
    const known = chat('a', { status: 'closed', rating: 5 });
    const s = state({ items: { a: known } });
    const next = olderClosedLoaded(s, [chat('a', { status: 'closed' }), chat('b', { status: 'closed' })], null);
    expect(next.items?.a).toBe(known);
    expect(Object.keys(next.items ?? {})).toEqual(['a', 'b']);
    expect(next.closedCursor).toBeNull();
  });

  it('follows presence, and my own status unless I went offline', () => {
    const s = state({ agents: [{ ...ME, status: 'online', load: 0 }] });
    expect(presenceChanged(s, 'me', 'away')).toMatchObject({ status: 'away', agents: [{ status: 'away' }] });
    expect(presenceChanged(s, 'me', 'offline').status).toBeUndefined();
  });
});
