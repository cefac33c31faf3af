import { newClientId } from '@parley/protocol/client-id';
import { LIMITS } from '@parley/protocol/entities';
import { uploadFailure } from '../attachments.js';
import { imagePreview } from '../image-preview.js';
import { ApiError, errorText } from '../transport/api.js';
import { type UploadHandle, uploadFile } from '../transport/upload.js';
import { sendMessage } from './actions.js';
import { getState, setState, toast } from './app.js';
import {
  uploadAdded,
  uploadFailed,
  uploadFinished,
  uploadPreviewed,
  uploadProgressed,
  uploadRestarted,
  uploadsRemoved,
} from './reducers.js';
import { composerFiles } from './selectors.js';

/**
 * Files the agent attaches in the composer: each uploads at once (progress in the store), can be cancelled,
 * removed or retried, and goes with the next message sent from that conversation's composer.
 */

/** The file behind each upload of the store, and its request while one runs: kept out of the plain-data state. */
const files = new Map<string, { file: Blob; name: string; request: UploadHandle | null }>();

function start(key: string) {
  const entry = files.get(key);
  if (!entry) return;
  const request = uploadFile(entry.file, entry.name, (progress) => setState((s) => uploadProgressed(s, key, progress)));
  entry.request = request;
  request.done.then(
    (attachment) => {
      entry.request = null;
      setState((s) => uploadFinished(s, key, attachment));
    },
    (error: unknown) => {
      entry.request = null;
      // Cancelled: removeUpload already took it away.
      if (error instanceof ApiError && error.code === 'aborted') return;
      const reason = error instanceof ApiError ? uploadFailure(error.code, error.message) : errorText(error);
      setState((s) => uploadFailed(s, key, reason));
    },
  );
}

/** Files picked, pasted or dropped into a conversation's composer; beyond LIMITS.attachmentsMax it says no. */
export function attachFiles(conversationId: string, picked: readonly File[]) {
  const room = LIMITS.attachmentsMax - composerFiles(conversationId, getState()).uploads.length;
  if (picked.length > room) toast(`At most ${LIMITS.attachmentsMax} files can go with one message`, 'error');
  for (const file of picked.slice(0, Math.max(0, room))) {
    const key = newClientId();
    const name = file.name || 'pasted-image.png';
    files.set(key, { file, name, request: null });
    setState((s) => uploadAdded(s, { key, conversationId, name, size: file.size }));
    start(key);
    void imagePreview(file).then((preview) => {
      if (preview) setState((s) => uploadPreviewed(s, key, preview));
    });
  }
}

/** Cancels a running upload or takes a file off the message (×). */
export function removeUpload(key: string) {
  files.get(key)?.request?.abort();
  files.delete(key);
  setState((s) => uploadsRemoved(s, [key]));
}

/** Uploads a failed file again, from the start. */
export function retryUpload(key: string) {
  const entry = files.get(key);
  if (!entry || entry.request) return;
  setState((s) => uploadRestarted(s, key));
  start(key);
}

/**
 * Sends the composer's message of a conversation: its text and every uploaded file. Refused (false) while a
 * file is uploading or has failed, or when there is nothing to send; the files leave the composer once sent.
 */
export function sendComposed(conversationId: string, text: string, internal: boolean): boolean {
  const pending = composerFiles(conversationId, getState());
  if (!pending.ready || (!text && pending.attachments.length === 0)) return false;
  const keys = pending.uploads.map((u) => u.key);
  for (const key of keys) files.delete(key);
  setState((s) => uploadsRemoved(s, keys));
  void sendMessage(conversationId, text, internal, newClientId(), pending.attachments);
  return true;
}

/** Signing out: every upload stops and is forgotten. */
export function dropUploads() {
  for (const entry of files.values()) entry.request?.abort();
  files.clear();
}
