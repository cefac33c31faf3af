import type { VisitorMessageSend } from '@parley/protocol';
import type { OutboxItem } from './outbox';

/** Payloads the ChatClient sends, built from its state. */

/** message:send for an outbox item whose files are all uploaded (a text message has no `attachments` key). */
export function payloadOf({ clientId, text, attachments }: OutboxItem): VisitorMessageSend {
  return { clientId, text, attachments: attachments?.map((a) => a.id!) };
}

/** The fields of `data` that are not blank, trimmed. */
export function compact<T extends Record<string, string | undefined>>(data: T): { [K in keyof T]?: string } {
  const out: { [K in keyof T]?: string } = {};
  for (const [k, v] of Object.entries(data)) if (v?.trim()) out[k as keyof T] = v.trim();
  return out;
}
