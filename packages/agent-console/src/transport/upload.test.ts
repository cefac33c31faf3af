import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, setToken } from './api.js';
import { FakeXhr } from './test-xhr.js';
import { uploadFile } from './upload.js';

const PNG = { id: 'a1', name: 'shot.png', type: 'image/png', size: 3, url: '/api/uploads/a1?sig=x' };

function start() {
  const xhr = new FakeXhr();
  const progress: number[] = [];
  const file = new Blob(['abc'], { type: 'image/png' });
  const handle = uploadFile(
    file,
    'shot.png',
    (p) => progress.push(p),
    () => xhr,
  );
  return { xhr, progress, handle };
}

describe('uploadFile', () => {
  afterEach(() => setToken(null));

  it('posts the file as multipart field `file` with the bearer token, reporting progress', async () => {
    setToken('t0k');
    const { xhr, progress, handle } = start();
    expect([xhr.method, xhr.url]).toEqual(['POST', '/api/uploads']);
    expect(xhr.headers.authorization).toBe('Bearer t0k');
    const form = xhr.body as FormData;
    expect((form.get('file') as File).name).toBe('shot.png');
    xhr.progress(50, 200);
    xhr.progress(200, 200);
    expect(progress).toEqual([0.25, 1]);
    xhr.answer(201, { attachment: PNG });
    await expect(handle.done).resolves.toEqual(PNG);
  });

  it('rejects with the server’s error code', async () => {
    const { xhr, handle } = start();
    xhr.answer(413, { error: { code: 'payload_too_large', message: 'The file is too large' } });
    await expect(handle.done).rejects.toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('tells a cancelled upload and a lost connection apart', async () => {
    const cancelled = start();
    cancelled.handle.abort();
    await expect(cancelled.handle.done).rejects.toMatchObject({ code: 'aborted' });
    const dropped = start();
    dropped.xhr.onerror?.();
    const error = await dropped.handle.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 0, code: 'network' });
  });
});
