import type { Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../state/index.js';
import { seenReply } from './seen.js';

const msg = (seq: number, author: Message['author'], extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id: `m${seq}`,
  conversationId: 'c1',
  seq,
  clientId: null,
  author,
  authorName: author === 'agent' ? 'Ann' : null,
  text: `message ${seq}`,
  internal: false,
  createdAt: '2026-12-06T10:00:00.000Z',
  attachments: [],
  ...extra,
});
const at = '2026-12-06T10:05:00.000Z';

describe('seenReply', () => {
  const thread = [msg(1, 'visitor'), msg(2, 'agent'), msg(3, 'agent'), msg(4, 'visitor')];

  it('marks the last agent reply once the visitor has seen up to it', () => {
    expect(seenReply(thread, { visitorSeenSeq: 3, visitorSeenAt: at })).toEqual({ id: 'm3', at });
    expect(seenReply(thread, { visitorSeenSeq: 9, visitorSeenAt: at })).toEqual({ id: 'm3', at });
  });

  it('says nothing while the last reply is unseen, even if earlier ones were seen', () => {
    expect(seenReply(thread, { visitorSeenSeq: 2, visitorSeenAt: at })).toBeNull();
    expect(seenReply(thread, { visitorSeenSeq: 0, visitorSeenAt: null })).toBeNull();
    expect(seenReply(thread, {})).toBeNull();
  });

  it('skips internal notes, and waits for a reply still being sent', () => {
    const withNote = [...thread, msg(5, 'agent', { internal: true })];
    expect(seenReply(withNote, { visitorSeenSeq: 3, visitorSeenAt: at })).toEqual({ id: 'm3', at });
    const sending = [...thread, msg(0, 'agent', { delivery: 'sending', id: 'local' })];
    expect(seenReply(sending, { visitorSeenSeq: 3, visitorSeenAt: at })).toBeNull();
  });

  it('has nothing to mark without an agent reply', () => {
    expect(seenReply([msg(1, 'visitor')], { visitorSeenSeq: 1, visitorSeenAt: at })).toBeNull();
  });
});
