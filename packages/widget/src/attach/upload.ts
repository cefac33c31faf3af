import { readItem, storageKeys } from '../shared/storage';
import type { ChatClient } from '../transport/chat-client';
import type { OutboxItem } from '../transport/outbox';
import { heldFile, release } from './held-files';
import { toUpload, withoutLost, withUploaded } from './outbox-files';
import { postFile } from './post-file';
import { forgetProgress, setProgress } from './progress';

/** The running upload of each outbox item, by clientId, for cancel(). */
const running = new Map<string, AbortController>();

/**
 * Uploads the files of `item` that have no id yet, one after the other, recording each id in the outbox as
 * soon as it is known (so a retry, even after a reload, never uploads that file again). Called by the
 * ChatClient's flush before message:send; resolves to an error code, or undefined when every file is up.
 */
export async function upload(client: ChatClient, item: OutboxItem): Promise<string | undefined> {
  const kept = withoutLost(item, (key) => heldFile(key) !== undefined);
  if (kept === 'file_lost') return 'file_lost';
  if (kept) {
    const empty = !kept.length && !item.text;
    if (empty) client.outbox.remove(item.clientId);
    else client.outbox.update(item.clientId, { attachments: kept.length ? kept : undefined });
    client.refreshOutbox();
    if (empty) return undefined; // nothing left to send: the flush sees the item gone
  }
  const pending = toUpload(current(client, item) ?? item);
  if (!pending.length) return undefined;
  const { serverOrigin, siteKey } = client.options;
  const token = readItem('local', storageKeys(siteKey).token);
  if (!token) return 'disconnected'; // no session yet: the next one resumes the outbox
  const url = `${serverOrigin}/api/uploads?siteKey=${encodeURIComponent(siteKey)}`;
  const controller = new AbortController();
  running.set(item.clientId, controller);
  try {
    for (const file of pending) {
      const bytes = heldFile(file.key);
      if (!bytes) return 'file_lost';
      const result = await postFile(
        url,
        `Visitor ${token}`,
        bytes,
        (fraction) => setProgress(file.key, fraction),
        controller.signal,
      );
      if ('error' in result) return result.error;
      const now = current(client, item);
      if (!now?.attachments) return 'canceled';
      client.outbox.update(item.clientId, {
        attachments: withUploaded(now.attachments, file.key, result.attachment.id),
      });
      release([file.key]);
      forgetProgress([file.key]);
      client.refreshOutbox();
    }
    return undefined;
  } finally {
    running.delete(item.clientId);
  }
}

/** The visitor gives up on a message with files: its upload stops and it leaves the outbox. */
export function cancel(client: ChatClient, clientId: string): void {
  running.get(clientId)?.abort();
  const item = client.outbox.list().find((i) => i.clientId === clientId);
  const keys = item?.attachments?.map((a) => a.key) ?? [];
  release(keys);
  forgetProgress(keys);
  client.outbox.remove(clientId);
  client.refreshOutbox();
}

function current(client: ChatClient, item: OutboxItem): OutboxItem | undefined {
  return client.outbox.list().find((i) => i.clientId === item.clientId);
}
