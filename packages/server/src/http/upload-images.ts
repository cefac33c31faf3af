import { Readable } from 'node:stream';
import sharp, { type OutputInfo, type Sharp, type SharpOptions } from 'sharp';
import { refuse } from '../domain/errors.js';
import type { BlobStore, StoredBlob } from '../store/blob-store.js';

// Every uploaded image is decoded once: libvips' operation cache would only keep its pixels in memory.
sharp.cache(false);

/** Longest side of a thumbnail, in pixels. */
export const THUMBNAIL_PX = 320;

/**
 * Most pixels an image may decode to. The byte limit does not bound memory: a small PNG can declare a
 * huge canvas (a decompression bomb), and libvips holds the decoded pixels (4 bytes each with alpha).
 */
export const MAX_IMAGE_PIXELS = 40_000_000;

/** An image's stored size: the width and height of one frame. */
export type ImageSize = { width: number; height: number };

/** A stored image: the re-encoded file and its thumbnail, with their types and sizes. */
export type StoredImage = ImageSize & {
  blob: StoredBlob;
  type: string;
  thumbnail: StoredBlob & ImageSize & { type: string };
};

export const THUMBNAIL_TYPE = 'image/webp';

/** Re-encodes into the uploaded format: what a viewer expects, and nothing of the original's bytes survives. */
const ENCODE: Record<string, (image: Sharp) => Sharp> = {
  'image/png': (image) => image.png(),
  'image/jpeg': (image) => image.jpeg({ quality: 85, mozjpeg: true }),
  'image/gif': (image) => image.gif(),
  'image/webp': (image) => image.webp({ quality: 85 }),
};

const ANIMATED = new Set(['image/gif', 'image/webp']);

/** sharp's own message for an image over `limitInputPixels`. */
const isPixelLimit = (error: unknown) => /pixel limit/i.test(String((error as Error | null)?.message));

/**
 * Decodes an uploaded image and stores a re-encoded copy and a thumbnail. Re-encoding keeps only pixels:
 * EXIF (GPS position, camera serials), ICC profiles, comments and anything appended to or hidden in the
 * file (a polyglot that is also HTML, a zip, a script) are gone. The orientation is applied to the pixels
 * first, so the image still shows upright. Animated GIF/WebP stay animated; their thumbnail is the
 * first frame. `bytes` is the whole upload: libvips decodes an image whole anyway, and it is bounded by
 * the upload limit.
 */
export async function storeImage(
  bytes: Buffer,
  type: string,
  blobs: BlobStore,
  options: { thumbnailPx?: number; maxPixels?: number } = {},
): Promise<StoredImage> {
  const encode = ENCODE[type];
  if (!encode) throw new Error(`not an image type this server re-encodes: ${type}`);
  const input: SharpOptions = {
    limitInputPixels: options.maxPixels ?? MAX_IMAGE_PIXELS,
    failOn: 'error',
    autoOrient: true,
  };
  const thumbnailPx = options.thumbnailPx ?? THUMBNAIL_PX;
  let full: { data: Buffer; info: OutputInfo };
  let thumb: { data: Buffer; info: OutputInfo };
  try {
    [full, thumb] = await Promise.all([
      encode(sharp(bytes, { ...input, animated: ANIMATED.has(type) })).toBuffer({ resolveWithObject: true }),
      sharp(bytes, input)
        .resize(thumbnailPx, thumbnailPx, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 80 })
        .toBuffer({ resolveWithObject: true }),
    ]);
  } catch (error) {
    if (isPixelLimit(error)) throw refuse('payload_too_large', 'the image has too many pixels');
    throw refuse('invalid_payload', 'the image could not be decoded');
  }
  const blob = await blobs.write(Readable.from([full.data]));
  try {
    const thumbnail = await blobs.write(Readable.from([thumb.data]));
    return {
      blob,
      type,
      width: full.info.width,
      height: full.info.pageHeight ?? full.info.height,
      thumbnail: { ...thumbnail, type: THUMBNAIL_TYPE, width: thumb.info.width, height: thumb.info.height },
    };
  } catch (error) {
    await blobs.delete(blob.id).catch(() => {});
    throw error;
  }
}
