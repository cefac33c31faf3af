import type { OutboxAttachment } from '../transport/outbox';

/** At most this many files go with one message (the server's limit). */
export const MAX_FILES = 10;

/** The bytes of files not uploaded yet, by their outbox key. Memory only: a reload loses them. */
const held = new Map<string, File>();

/** Holds the bytes of a message's files until they are uploaded; returns their descriptions for the outbox. */
export function hold(files: readonly File[]): OutboxAttachment[] | undefined {
  if (!files.length) return undefined;
  return files.slice(0, MAX_FILES).map((file) => {
    // unique among this page's files and those an outbox restored from before a reload
    const key = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    held.set(key, file);
    return { key, name: file.name || 'file', type: file.type, size: file.size };
  });
}

export function heldFile(key: string): File | undefined {
  return held.get(key);
}

export function release(keys: Iterable<string>): void {
  for (const key of keys) held.delete(key);
}
