import type { Message } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Connection, type SocketLike } from '../transport/connection.js';
import { openWaiting, sendMessage } from './actions.js';
import { appStore, setConnection } from './app.js';
import { ME } from './test-fixtures.js';
import { initialState } from './types.js';

type Ack = (err: Error | null, res: unknown) => void;

/** A connection whose acknowledgements the test gives by hand. */
function fakeConnection() {
  const acks: { event: string; payload: unknown; ack: Ack }[] = [];
  const socket: SocketLike = {
    connected: true,
    timeout: () => ({ emit: (event: string, payload: unknown, ack: Ack) => acks.push({ event, payload, ack }) }),
    emit: () => {},
    on: () => {},
    connect: () => {},
    disconnect: () => {},
  };
  setConnection(new Connection(socket));
  return acks;
}

describe('actions', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('document', { visibilityState: 'visible' });
    appStore.set({ ...initialState, me: ME, booting: false, activeId: 'c', messages: { c: [] } });
  });
  afterEach(() => {
    setConnection(null);
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('shows a message as sending at once, then as sent with the server’s seq', async () => {
    const acks = fakeConnection();
    const sent = sendMessage('c', 'Hello', false, 'k1');
    expect(appStore.get().messages.c).toMatchObject([{ id: 'local:k1', delivery: 'sending' }]);
    expect(acks[0]).toMatchObject({ event: 'message:send', payload: { conversationId: 'c', clientId: 'k1' } });
    const message: Message = {
      id: 'm1',
      conversationId: 'c',
      seq: 3,
      clientId: 'k1',
      author: 'agent',
      authorName: 'Me',
      text: 'Hello',
      attachments: [],
      internal: false,
      createdAt: '2026-01-01T10:00:00Z',
    };
    acks[0]!.ack(null, { ok: true, message });
    await sent;
    expect(appStore.get().messages.c).toMatchObject([{ id: 'm1', seq: 3, delivery: 'sent' }]);
  });

  it('marks a refused message as failed and says why', async () => {
    const acks = fakeConnection();
    const sent = sendMessage('c', 'Hello', false, 'k1');
    acks[0]!.ack(null, { ok: false, error: { code: 'not_assigned', message: 'Not yours' } });
    await sent;
    const s = appStore.get();
    expect(s.messages.c).toMatchObject([{ id: 'local:k1', delivery: 'failed' }]);
    expect(s.toasts.map((t) => t.text)).toEqual(['Message not sent: Not yours']);
    vi.advanceTimersByTime(6000);
    expect(appStore.get().toasts).toEqual([]);
  });

  it('says so when no other chat waits', () => {
    openWaiting(1);
    expect(appStore.get().toasts.map((t) => t.text)).toEqual(['No other chat is waiting for you']);
  });
});
