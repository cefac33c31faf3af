import { describe, expect, it } from 'vitest';
import type { OutboxItem } from './outbox';
import { compact, payloadOf } from './payloads';

const item = (patch: Partial<OutboxItem> = {}): OutboxItem => ({
  clientId: 'c1',
  text: 'hello',
  createdAt: '2026-01-01T00:00:00.000Z',
  state: 'sending',
  retryable: true,
  ...patch,
});

describe('payloadOf', () => {
  it('sends a text message as before: no attachments key on the wire', () => {
    expect(JSON.parse(JSON.stringify(payloadOf(item())))).toEqual({ clientId: 'c1', text: 'hello' });
  });

  it('sends the ids of uploaded files, in order, with the text (which may be empty)', () => {
    const attachments = [
      { key: 'k1', name: 'a.png', type: 'image/png', size: 1, id: 'att-1' },
      { key: 'k2', name: 'b.pdf', type: 'application/pdf', size: 2, id: 'att-2' },
    ];
    expect(payloadOf(item({ text: '', attachments }))).toEqual({
      clientId: 'c1',
      text: '',
      attachments: ['att-1', 'att-2'],
    });
  });
});

describe('compact', () => {
  it('keeps the fields that are not blank, trimmed', () => {
    expect(compact({ name: ' Ada ', email: '  ', other: undefined })).toEqual({ name: 'Ada' });
  });
});
