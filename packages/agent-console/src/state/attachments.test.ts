import { describe, expect, it } from 'vitest';
import {
  fileLinksRenewed,
  messageReceived,
  uploadAdded,
  uploadFailed,
  uploadFinished,
  uploadProgressed,
  uploadRestarted,
  uploadsRemoved,
} from './reducers.js';
import { composerFiles, conversationFiles, fileLinksExpireAt } from './selectors.js';
import { previewOf, summarize } from './summaries.js';
import { file, ME, msg } from './test-fixtures.js';
import { initialState, type State } from './types.js';

/** The state layer's side of attachments: the composer's uploads, and the files of a conversation. */

const state = (patch: Partial<State> = {}): State => ({ ...initialState, me: ME, booting: false, ...patch });
const apply = (s: State, patch: Partial<State>): State => ({ ...s, ...patch });
const picked = (key: string, conversationId = 'c') => ({ key, conversationId, name: `${key}.png`, size: 2048 });

describe('uploads in the composer', () => {
  it('follows a file from picked to uploaded; progress only grows', () => {
    let s = state();
    s = apply(s, uploadAdded(s, picked('u1')));
    expect(s.uploads).toMatchObject([{ key: 'u1', status: 'uploading', progress: 0, attachment: null }]);
    s = apply(s, uploadProgressed(s, 'u1', 0.5));
    expect(uploadProgressed(s, 'u1', 0.25)).toEqual({});
    s = apply(s, uploadFinished(s, 'u1', file('a1')));
    expect(s.uploads[0]).toMatchObject({ status: 'done', progress: 1, attachment: { id: 'a1' } });
    expect(uploadProgressed(s, 'u1', 0.9)).toEqual({});
  });

  it('marks a failed file with the reason, and starts it over on retry', () => {
    let s = state();
    s = apply(s, uploadAdded(s, picked('u1')));
    s = apply(s, uploadProgressed(s, 'u1', 0.7));
    s = apply(s, uploadFailed(s, 'u1', 'Cannot reach the server'));
    expect(s.uploads[0]).toMatchObject({ status: 'failed', error: 'Cannot reach the server' });
    s = apply(s, uploadRestarted(s, 'u1'));
    expect(s.uploads[0]).toMatchObject({ status: 'uploading', progress: 0, error: null });
  });

  it('ignores a file that was removed meanwhile', () => {
    let s = state();
    s = apply(s, uploadAdded(s, picked('u1')));
    s = apply(s, uploadsRemoved(s, ['u1']));
    expect(s.uploads).toEqual([]);
    expect(uploadFinished(s, 'u1', file('a1'))).toEqual({});
    expect(uploadsRemoved(s, ['u1'])).toEqual({});
  });

  it('lets a message go only when every file of its conversation is uploaded', () => {
    let s = state();
    for (const [key, conversationId] of [
      ['u1', 'c'],
      ['u2', 'c'],
      ['o1', 'other'],
    ] as const)
      s = apply(s, uploadAdded(s, picked(key, conversationId)));
    s = apply(s, uploadFinished(s, 'u2', file('a2')));
    expect(composerFiles('c', s)).toMatchObject({ uploading: 1, failed: 0, ready: false });
    expect(composerFiles('c', s).attachments.map((a) => a.id)).toEqual(['a2']);
    s = apply(s, uploadFailed(s, 'u1', 'Too large'));
    expect(composerFiles('c', s)).toMatchObject({ uploading: 0, failed: 1, ready: false });
    s = apply(s, uploadsRemoved(s, ['u1']));
    expect(composerFiles('c', s)).toMatchObject({ ready: true, attachments: [{ id: 'a2' }] });
    expect(composerFiles('other', s).uploads.map((u) => u.key)).toEqual(['o1']);
    expect(composerFiles('none', s)).toMatchObject({ uploads: [], attachments: [], ready: true });
  });
});

describe('files of a conversation', () => {
  it('lists every file of its messages once, oldest first, marking internal notes', () => {
    const pdf = file('a1');
    const shot = file('a2', { name: 'shot.png', type: 'image/png' });
    const note = file('a3');
    const sending = {
      ...msg(99, { author: 'agent', clientId: 'k', attachments: [shot] }),
      delivery: 'sending' as const,
    };
    const s = state({
      messages: {
        c: [
          msg(1, { attachments: [pdf] }),
          msg(2),
          msg(3, { author: 'agent', authorName: 'Me', clientId: 'k', attachments: [shot] }),
          msg(4, { author: 'agent', authorName: 'Me', internal: true, attachments: [note] }),
          sending,
        ],
      },
    });
    expect(conversationFiles('c', s).map((f) => [f.attachment.id, f.author, f.internal, f.messageId])).toEqual([
      ['a1', 'visitor', false, 'm1'],
      ['a2', 'agent', false, 'm3'],
      ['a3', 'agent', true, 'm4'],
    ]);
    expect(conversationFiles('unknown', s)).toEqual([]);
  });

  it('previews a message without text by its files’ names', () => {
    expect(previewOf(msg(1, { text: '', attachments: [file('a1'), file('a2')] }))).toBe('📎 a1.pdf, a2.pdf');
    expect(previewOf(msg(1, { text: 'See attached', attachments: [file('a1')] }))).toBe('See attached');
    expect(summarize([msg(1, { text: '', attachments: [file('a1')] })]).preview).toBe('📎 a1.pdf');
    const s = state({ messages: { c: [] } });
    expect(messageReceived(s, msg(1, { text: '', attachments: [file('a1')] }), true).summaries?.c?.preview).toBe(
      '📎 a1.pdf',
    );
  });

  it('knows when the first file link expires, and takes freshly signed ones without other changes', () => {
    const shot = file('a2', { type: 'image/png', url: '/u/a2?exp=300&sig=x', thumbnailUrl: '/u/a2/t?exp=200&sig=y' });
    const old = state({
      messages: {
        c: [
          msg(1, { attachments: [file('a1', { url: '/u/a1?exp=500&sig=z' })] }),
          msg(2, { attachments: [shot] }),
          msg(3),
        ],
      },
    });
    expect(fileLinksExpireAt('c', old)).toBe(200_000);
    expect(fileLinksExpireAt('none', old)).toBeNull();
    const renewed = apply(
      old,
      fileLinksRenewed(old, 'c', [
        msg(1, { attachments: [file('a1', { url: '/u/a1?exp=900&sig=n' })] }),
        msg(2, { attachments: [{ ...shot, url: '/u/a2?exp=900&sig=n', thumbnailUrl: '/u/a2/t?exp=900&sig=n' }] }),
        msg(3, { text: 'changed meanwhile' }),
      ]),
    );
    expect(fileLinksExpireAt('c', renewed)).toBe(900_000);
    expect(renewed.messages.c![2]).toBe(old.messages.c![2]);
    expect(renewed.summaries).toBe(old.summaries);
  });
});
