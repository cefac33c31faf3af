import { lazyChunk } from '../shared/lazy-chunk';

/**
 * The attachments chunk (upload, previews, file views), fetched on first use only: the first file picked,
 * pasted or dropped, the first message with files, an upload to resume.
 */
export const attachChunk = lazyChunk(() => import('./attachments'));
