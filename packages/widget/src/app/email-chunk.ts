import { lazyChunk } from '../shared/lazy-chunk';

/** The email forms chunk (email-forms.tsx), fetched the first time one of its parts is needed. */
export const emailChunk = lazyChunk(() => import('./email-forms'));
