import type { Message } from '@parley/protocol';

/**
 * A stored file as the server describes it (POST /api/uploads, `Message.attachments`). `url` and
 * `thumbnailUrl` are paths on the server, signed for a while: resolve them with `new URL(url, serverOrigin)`.
 * TODO: import `Attachment` and the `Message` field from @parley/protocol once the server's change lands.
 */
export type Attachment = {
  id: string;
  name: string;
  type: string;
  size: number;
  url: string;
  width?: number;
  height?: number;
  thumbnailUrl?: string;
};

/** A message as it reaches the widget; servers without attachments leave the field out. */
export type WidgetMessage = Message & { attachments?: Attachment[] };
