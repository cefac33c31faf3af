import type { Attachment } from '@parley/protocol';
import { ApiError, getToken, responseError } from './api.js';

/**
 * `POST /api/uploads` for the signed-in agent: one file as multipart field `file`, with the bearer token.
 * XMLHttpRequest rather than fetch, for its upload progress events.
 */

export type UploadHandle = {
  /** The stored attachment; rejects with ApiError (code `aborted` after abort()). */
  done: Promise<Attachment>;
  abort(): void;
};

/** What uploadFile needs of an XMLHttpRequest (the browser's, or a fake in tests). */
export type XhrLike = Pick<
  XMLHttpRequest,
  'open' | 'setRequestHeader' | 'send' | 'abort' | 'status' | 'statusText' | 'responseText'
> & {
  upload: { onprogress: ((event: ProgressEvent) => unknown) | null };
  onload: ((event: ProgressEvent) => unknown) | null;
  onerror: ((event: ProgressEvent) => unknown) | null;
  onabort: ((event: ProgressEvent) => unknown) | null;
};

export const UPLOAD_PATH = '/api/uploads';

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function uploadFile(
  file: Blob,
  name: string,
  onProgress: (fraction: number) => void,
  createXhr: () => XhrLike = () => new XMLHttpRequest(),
): UploadHandle {
  const xhr = createXhr();
  const token = getToken();
  const done = new Promise<Attachment>((resolve, reject) => {
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      const data = parse(xhr.responseText);
      const attachment = (data as { attachment?: Attachment } | null)?.attachment;
      if (xhr.status >= 200 && xhr.status < 300 && attachment) resolve(attachment);
      else reject(responseError(xhr.status, xhr.statusText, data, !!token));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'Cannot reach the server. Check your connection.'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'Upload cancelled'));
    xhr.open('POST', UPLOAD_PATH);
    xhr.setRequestHeader('accept', 'application/json');
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    const form = new FormData();
    form.append('file', file, name);
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}
