import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeXhr } from '../transport/test-xhr.js';
import { appStore, setConnection } from './app.js';
import { fakeConnection } from './test-connection.js';
import { file, ME } from './test-fixtures.js';
import { initialState } from './types.js';
import { attachFiles, dropUploads, removeUpload, retryUpload, sendComposed } from './upload-actions.js';

const pdf = () => new File(['%PDF-1.7 test'], 'invoice.pdf', { type: 'application/pdf' });
const uploads = () => appStore.get().uploads;
/** Lets the promise callbacks of a finished request run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('upload actions', () => {
  beforeEach(() => {
    FakeXhr.made = [];
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    vi.stubGlobal('document', { visibilityState: 'visible' });
    appStore.set({ ...initialState, me: ME, booting: false, activeId: 'c', messages: { c: [] } });
  });
  afterEach(() => {
    dropUploads();
    setConnection(null);
    vi.unstubAllGlobals();
  });

  it('uploads a file at once, then sends it with the message and clears the composer', async () => {
    const acks = fakeConnection();
    attachFiles('c', [pdf()]);
    expect(uploads()).toMatchObject([{ name: 'invoice.pdf', status: 'uploading', conversationId: 'c' }]);
    const xhr = FakeXhr.made[0]!;
    xhr.progress(40, 80);
    expect(uploads()[0]!.progress).toBe(0.5);
    expect(sendComposed('c', 'Here it is', false)).toBe(false);
    expect(acks).toEqual([]);
    xhr.answer(201, { attachment: file('a1') });
    await settle();
    expect(uploads()[0]).toMatchObject({ status: 'done', attachment: { id: 'a1' } });
    expect(sendComposed('c', 'Here it is', false)).toBe(true);
    expect(uploads()).toEqual([]);
    expect(acks[0]).toMatchObject({ event: 'message:send', payload: { text: 'Here it is', attachments: ['a1'] } });
  });

  it('retries a failed upload with the same file; a cancelled one just goes', async () => {
    attachFiles('c', [pdf(), pdf()]);
    const [first, second] = FakeXhr.made;
    first!.onerror?.();
    await settle();
    expect(uploads()[0]).toMatchObject({ status: 'failed', error: 'Upload interrupted: check the connection' });
    retryUpload(uploads()[0]!.key);
    expect(uploads()[0]).toMatchObject({ status: 'uploading', error: null });
    const again = FakeXhr.made[2]!;
    expect((again.body as FormData).get('file')).toBeInstanceOf(File);
    again.answer(201, { attachment: file('a1') });
    removeUpload(uploads()[1]!.key);
    await settle();
    expect(second!.aborted).toBe(true);
    expect(uploads()).toMatchObject([{ status: 'done', attachment: { id: 'a1' } }]);
    expect(appStore.get().toasts).toEqual([]);
  });

  it('sends nothing without text or files, and refuses files beyond ten', () => {
    const acks = fakeConnection();
    expect(sendComposed('c', '', false)).toBe(false);
    attachFiles(
      'c',
      Array.from({ length: 11 }, () => pdf()),
    );
    expect(uploads()).toHaveLength(10);
    expect(appStore.get().toasts.map((t) => t.text)).toEqual(['At most 10 files can go with one message']);
    expect(acks).toEqual([]);
  });
});
