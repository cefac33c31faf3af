import { describe, expect, it } from 'vitest';
import type { OutboxAttachment, OutboxItem } from '../transport/outbox';
import { overallProgress, toUpload, withoutLost, withUploaded } from './outbox-files';

const file = (key: string, size = 100, id?: string): OutboxAttachment => ({
  key,
  name: `${key}.bin`,
  type: 'application/octet-stream',
  size,
  ...(id ? { id } : {}),
});
const item = (attachments: OutboxAttachment[], patch: Partial<OutboxItem> = {}): OutboxItem => ({
  clientId: 'c1',
  text: 'see attached',
  createdAt: '2026-01-01T00:00:00.000Z',
  state: 'sending',
  retryable: true,
  attachments,
  ...patch,
});

describe('outbox files', () => {
  it('uploads only the files without an id, and records an id once', () => {
    const files = [file('a', 100, 'att-a'), file('b'), file('c')];
    expect(toUpload(item(files)).map((f) => f.key)).toEqual(['b', 'c']);
    const after = withUploaded(files, 'b', 'att-b');
    expect(after.map((f) => f.id)).toEqual(['att-a', 'att-b', undefined]);
    expect(toUpload(item(after)).map((f) => f.key)).toEqual(['c']);
    expect(toUpload(item([], { attachments: undefined }))).toEqual([]);
  });

  it('fails a message whose unsent files were lost with a reload, then sends it without them on retry', () => {
    const files = [file('a', 100, 'att-a'), file('b'), file('c')];
    const has = (key: string) => key === 'c';
    expect(withoutLost(item(files), () => true)).toBeNull();
    // an uploaded file is never lost: only its id is needed
    expect(withoutLost(item(files), (key) => key !== 'a')).toBeNull();
    expect(withoutLost(item(files), has)).toBe('file_lost');
    expect(withoutLost(item(files, { error: 'disconnected' }), has)).toBe('file_lost');
    // the visitor saw "file_lost" and tapped retry
    expect(withoutLost(item(files, { error: 'file_lost' }), has)?.valueOf()).toEqual([files[0], files[2]]);
  });

  it('weighs progress by size and counts uploaded files as done', () => {
    const files = [file('a', 300, 'att-a'), file('b', 100), file('c', 600)];
    const progress = { b: 1, c: 0.5 } as Record<string, number>;
    expect(overallProgress(files, (key) => progress[key] ?? 0)).toBeCloseTo((300 + 100 + 300) / 1000);
    expect(overallProgress([], () => 0)).toBe(1);
  });
});
