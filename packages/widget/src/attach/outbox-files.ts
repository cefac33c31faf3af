import type { OutboxAttachment, OutboxItem } from '../transport/outbox';

/**
 * What an outbox item's files need, as pure functions: which still have to be uploaded, recording an upload,
 * and what happens to files whose bytes were lost with a reload.
 */

/** The item's files not uploaded yet. */
export function toUpload(item: OutboxItem): OutboxAttachment[] {
  return item.attachments?.filter((a) => !a.id) ?? [];
}

/** The files with the server's id recorded for `key`: that file is never uploaded again. */
export function withUploaded(files: readonly OutboxAttachment[], key: string, id: string): OutboxAttachment[] {
  return files.map((a) => (a.key === key ? { ...a, id } : a));
}

/**
 * Files not uploaded whose bytes are gone (the page was reloaded). The first time the item fails with
 * `file_lost`, so the visitor sees which; when they retry anyway the message goes without those files.
 * Returns null when nothing is lost, 'file_lost' to fail the item, or the files to keep.
 */
export function withoutLost(item: OutboxItem, has: (key: string) => boolean): OutboxAttachment[] | 'file_lost' | null {
  const files = item.attachments ?? [];
  const kept = files.filter((a) => a.id || has(a.key));
  if (kept.length === files.length) return null;
  return item.error === 'file_lost' ? kept : 'file_lost';
}

/** Upload progress of an item's files, 0…1, weighted by size; uploaded files count as done. */
export function overallProgress(files: readonly OutboxAttachment[], progressOf: (key: string) => number): number {
  let total = 0;
  let done = 0;
  for (const a of files) {
    total += a.size;
    done += a.size * (a.id ? 1 : progressOf(a.key));
  }
  return total ? done / total : 1;
}
