import type { Attachment } from '@parley/protocol';

/** With no upload progress for this long the connection is taken for dead. */
const STALL_MS = 30_000;

export type PostFileResult = { attachment: Attachment } | { error: string };

/** Error codes for answers without our JSON body (a proxy's 413, a gateway's 502). */
const BY_STATUS: Record<number, string> = { 413: 'payload_too_large', 415: 'unsupported_type', 429: 'rate_limited' };

/**
 * POSTs one file as multipart/form-data (field `file`). XMLHttpRequest, not fetch: only it reports upload
 * progress. Resolves, never rejects: a network drop is `disconnected`, `signal` aborting is `canceled`.
 */
export function postFile(
  url: string,
  authorization: string,
  file: File,
  onProgress: (fraction: number) => void,
  signal: AbortSignal,
): Promise<PostFileResult> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    let stalled: ReturnType<typeof setTimeout> | undefined;
    let outcome: string | undefined;
    const watch = () => {
      clearTimeout(stalled);
      stalled = setTimeout(() => abort('timeout'), STALL_MS);
    };
    const abort = (code: string) => {
      outcome = code;
      xhr.abort();
    };
    const onSignal = () => abort('canceled');
    const onOffline = () => abort('disconnected');
    const done = (result: PostFileResult) => {
      clearTimeout(stalled);
      signal.removeEventListener('abort', onSignal);
      removeEventListener('offline', onOffline);
      resolve(result);
    };
    xhr.open('POST', url);
    xhr.setRequestHeader('Authorization', authorization);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => {
      watch();
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      const body = xhr.response as { attachment?: Attachment; error?: { code?: unknown } } | null;
      if (xhr.status === 201 && body?.attachment) return done({ attachment: body.attachment });
      const code = body?.error?.code;
      done({
        error:
          typeof code === 'string'
            ? code
            : (BY_STATUS[xhr.status] ?? (xhr.status >= 500 ? 'unavailable' : 'invalid_payload')),
      });
    };
    xhr.onerror = () => done({ error: 'disconnected' });
    xhr.onabort = () => done({ error: outcome ?? 'canceled' });
    if (signal.aborted) return done({ error: 'canceled' });
    signal.addEventListener('abort', onSignal);
    // a dropped network does not always fail a running request: the browser's offline event ends it
    addEventListener('offline', onOffline);
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
    watch();
  });
}
