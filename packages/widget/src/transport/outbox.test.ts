import { beforeEach, describe, expect, it } from 'vitest';
import { isTransient, Outbox, type OutboxPersistence } from './outbox';

function memory(initial: string | null = null): OutboxPersistence & { value: string | null } {
  const store = {
    value: initial,
    load: () => store.value,
    save: (v: string | null) => {
      store.value = v;
    },
  };
  return store;
}

describe('Outbox', () => {
  let storage: ReturnType<typeof memory>;
  let outbox: Outbox;

  beforeEach(() => {
    storage = memory();
    outbox = new Outbox(storage);
  });

  it('gives every message its own clientId and keeps the order', () => {
    const a = outbox.add('one');
    const b = outbox.add('two');
    expect(a.clientId).not.toBe(b.clientId);
    expect(outbox.list().map((i) => i.text)).toEqual(['one', 'two']);
    expect(outbox.next(new Set())?.clientId).toBe(a.clientId);
    expect(outbox.next(new Set([a.clientId]))?.clientId).toBe(b.clientId);
  });

  it('mirrors itself to storage and survives a reload with the same clientIds', () => {
    const a = outbox.add('one');
    outbox.fail(a.clientId, 'timeout');
    const b = outbox.add('two');
    const reloaded = new Outbox(memory(storage.value));
    expect(reloaded.list().map((i) => [i.clientId, i.state])).toEqual([
      [a.clientId, 'sending'],
      [b.clientId, 'sending'],
    ]);
  });

  it('keeps permanently rejected messages failed after a reload', () => {
    const a = outbox.add('x');
    outbox.fail(a.clientId, 'invalid_payload');
    const reloaded = new Outbox(memory(storage.value));
    expect(reloaded.list()[0]).toMatchObject({ state: 'failed', retryable: false });
    expect(reloaded.next(new Set())).toBeUndefined();
  });

  it('forgets acknowledged messages and clears storage when empty', () => {
    const a = outbox.add('one');
    expect(outbox.remove(a.clientId)).toBe(true);
    expect(outbox.remove(a.clientId)).toBe(false);
    expect(outbox.size).toBe(0);
    expect(storage.value).toBeNull();
  });

  it('retries transient failures on reconnect but not permanent ones', () => {
    const a = outbox.add('net');
    const b = outbox.add('bad');
    outbox.fail(a.clientId, 'disconnected');
    outbox.fail(b.clientId, 'invalid_payload');
    expect(outbox.next(new Set())).toBeUndefined();
    outbox.resumeTransient();
    expect(outbox.list().map((i) => i.state)).toEqual(['sending', 'failed']);
    // the visitor taps "retry": everything goes again
    outbox.retry(b.clientId);
    expect(outbox.list().map((i) => i.state)).toEqual(['sending', 'sending']);
  });

  it('drops items the server already stored (seen in a sync or message:new)', () => {
    const a = outbox.add('one');
    const b = outbox.add('two');
    expect(outbox.reconcile([null, a.clientId, 'other'])).toBe(true);
    expect(outbox.list().map((i) => i.clientId)).toEqual([b.clientId]);
    expect(outbox.reconcile(['nothing'])).toBe(false);
  });

  it("keeps a message's files, and the id of each uploaded one, across a reload", () => {
    const files = [
      { key: 'k1', name: 'shot.png', type: 'image/png', size: 2048 },
      { key: 'k2', name: 'invoice.pdf', type: 'application/pdf', size: 90_000 },
    ];
    const a = outbox.add('', files);
    expect(outbox.next(new Set())).toMatchObject({ clientId: a.clientId, text: '', attachments: files });
    outbox.update(a.clientId, { attachments: [{ ...files[0]!, id: 'att-1' }, files[1]!] });
    outbox.fail(a.clientId, 'disconnected');
    const reloaded = new Outbox(memory(storage.value));
    expect(reloaded.list()[0]).toMatchObject({
      clientId: a.clientId,
      state: 'sending',
      attachments: [{ key: 'k1', id: 'att-1' }, { key: 'k2' }],
    });
    expect(reloaded.list()[0]!.attachments![1]!.id).toBeUndefined();
  });

  it('stores no attachments field for a text message', () => {
    outbox.add('hello');
    expect(JSON.parse(storage.value!)[0]).not.toHaveProperty('attachments');
  });

  it('ignores garbage in storage', () => {
    for (const raw of ['{', '42', '{"a":1}', '[1,{"text":"x"},null]']) {
      expect(new Outbox(memory(raw)).list()).toEqual([]);
    }
  });

  it('classifies error codes', () => {
    expect(isTransient('rate_limited')).toBe(true);
    expect(isTransient('timeout')).toBe(true);
    expect(isTransient('invalid_payload')).toBe(false);
    expect(isTransient('conversation_closed')).toBe(false);
  });
});
