import type { Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import type { OutboxItem } from '../transport/outbox';
import { buildRows } from './rows';

const msg = (seq: number, author: Message['author'], clientId: string | null = null): Message => ({
  id: `m${seq}`,
  conversationId: 'c1',
  seq,
  clientId,
  author,
  authorName: author === 'agent' ? 'Alex' : null,
  attachments: [],
  text: `t${seq}`,
  internal: false,
  createdAt: '2025-01-01T00:00:00.000Z',
});
const pending = (clientId: string, state: OutboxItem['state'] = 'sending'): OutboxItem => ({
  clientId,
  text: clientId,
  createdAt: '2025-01-01T00:01:00.000Z',
  state,
  retryable: true,
});

describe('buildRows', () => {
  it('lists stored messages, then what is still on its way, with its state', () => {
    const rows = buildRows([msg(1, 'visitor', 'a'), msg(2, 'agent')], [pending('b'), pending('c', 'failed')]);
    expect(rows.map((r) => [r.key, r.author, r.state])).toEqual([
      ['m1', 'visitor', 'sent'],
      ['m2', 'agent', 'sent'],
      ['b', 'visitor', 'sending'],
      ['c', 'visitor', 'failed'],
    ]);
  });

  it('never shows a message twice when the ack and the broadcast race', () => {
    const rows = buildRows([msg(1, 'visitor', 'a')], [pending('a')]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.state).toBe('sent');
  });

  it('groups runs by author', () => {
    const rows = buildRows(
      [msg(1, 'agent'), msg(2, 'agent'), msg(3, 'visitor'), msg(4, 'system'), msg(5, 'system')],
      [],
    );
    expect(rows.map((r) => [r.first, r.last])).toEqual([
      [true, false],
      [false, true],
      [true, true],
      [true, true],
      [true, true],
    ]);
  });
});
