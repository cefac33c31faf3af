import type { Attachment } from '@parley/protocol';

/**
 * What the console shows of an attachment: where its links point, how big its thumbnail is drawn.
 * Pure; unit-tested in attachments.test.ts.
 */

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

/** When a signed file path stops working (its `exp`, unix seconds), in ms; null when it carries none. */
export function linkExpiry(path: string | undefined): number | null {
  if (!path) return null;
  const exp = /[?&]exp=(\d{1,12})(?:&|$)/.exec(path)?.[1];
  return exp ? Number(exp) * 1000 : null;
}

/** What the composer says about a refused upload, by the server's error code; else the error's own text. */
export function uploadFailure(code: string, message: string): string {
  switch (code) {
    case 'payload_too_large':
      return 'Too large to send';
    case 'unsupported_type':
      return 'This type of file cannot be sent';
    case 'rate_limited':
      return 'Too many uploads: try again in a moment';
    case 'network':
      return 'Upload interrupted: check the connection';
    default:
      return message;
  }
}
