import type { Message } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openWaiting, retryMessage, sendMessage } from './actions.js';
import { appStore, setConnection } from './app.js';
import { fakeConnection } from './test-connection.js';
import { file, ME } from './test-fixtures.js';
import { initialState } from './types.js';

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

  it('sends the ids of its files, and a retry asks again with the same clientId and files', async () => {
    const acks = fakeConnection();
    const pdf = file('a1');
    const sent = sendMessage('c', '', true, 'k1', [pdf]);
    expect(appStore.get().messages.c).toMatchObject([{ id: 'local:k1', attachments: [pdf], internal: true }]);
    expect(acks[0]!.payload).toEqual({
      conversationId: 'c',
      clientId: 'k1',
      text: '',
      internal: true,
      attachments: ['a1'],
    });
    acks[0]!.ack(new Error('timeout'), undefined);
    await sent;
    const failed = appStore.get().messages.c![0]!;
    expect(failed.delivery).toBe('failed');
    retryMessage(failed);
    expect(acks[1]!.payload).toEqual(acks[0]!.payload);
  });

  it('sends no attachments field for a text-only message', async () => {
    const acks = fakeConnection();
    void sendMessage('c', 'Hello', false, 'k1');
    expect(acks[0]!.payload).toEqual({ conversationId: 'c', clientId: 'k1', text: 'Hello', internal: false });
  });

  it('says so when no other chat waits', () => {
    openWaiting(1);
    expect(appStore.get().toasts.map((t) => t.text)).toEqual(['No other chat is waiting for you']);
  });
});
