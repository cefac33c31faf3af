import { thumbSize } from './attachments.js';

/**
 * A small `data:` picture of an image file for the composer, or null when it is not an image the browser
 * can decode. Drawn on a canvas at most `max` pixels wide or high: the console's CSP allows `data:` images but
 * not `blob:` URLs, and a small copy keeps a 10 MB screenshot out of the state.
 */
export async function imagePreview(file: Blob, max = 160): Promise<string | null> {
  if (!file.type.startsWith('image/') || typeof createImageBitmap !== 'function') return null;
  try {
    const bitmap = await createImageBitmap(file);
    const size = thumbSize(bitmap, max);
    if (!size) return null;
    const canvas = document.createElement('canvas');
    canvas.width = size.width;
    canvas.height = size.height;
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, size.width, size.height);
    bitmap.close();
    return canvas.toDataURL('image/png');
  } catch {
    return null;
  }
}
