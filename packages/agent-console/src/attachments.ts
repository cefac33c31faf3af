/**
 * What the console shows of an attachment: where its links point, how big its thumbnail is drawn.
 * Pure; unit-tested in attachments.test.ts.
 */

/**
 * An uploaded file as the server describes it (docs: `POST /api/uploads`). `url` and `thumbnailUrl` are
 * paths on the server's origin carrying a short-lived signature, so `<img src>` and download links need no
 * headers; width, height and thumbnailUrl are there for images only.
 */
export type Attachment = {
  id: string;
  name: string;
  /** The MIME type the server decided from the bytes. */
  type: string;
  size: number;
  url: string;
  width?: number;
  height?: number;
  thumbnailUrl?: string;
};

/** At most this many files go with one message (the server refuses more). */
export const MAX_ATTACHMENTS = 10;

export function isImage(attachment: Pick<Attachment, 'type'>): boolean {
  return attachment.type.startsWith('image/');
}

/**
 * The absolute address of a file path the server gave, or null for anything that does not stay on the
 * server's origin: a link in the console must never lead to `javascript:` or to another site.
 */
export function fileHref(path: string | undefined, origin: string): string | null {
  if (!path) return null;
  try {
    const url = new URL(path, origin);
    return url.origin === new URL(origin).origin ? url.href : null;
  } catch {
    return null;
  }
}

/** The size a thumbnail is drawn at: the image's proportions, fitted into `max` × `max`, never enlarged. */
export function thumbSize(
  attachment: Pick<Attachment, 'width' | 'height'>,
  max: number,
): { width: number; height: number } | null {
  const { width, height } = attachment;
  if (!width || !height) return null;
  const scale = Math.min(1, max / width, max / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
