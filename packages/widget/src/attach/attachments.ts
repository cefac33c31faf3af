/**
 * Entry of the attachments chunk, loaded on first use (attach/load.ts): everything about files that the
 * app chunk must not carry — previews, uploads with progress, cancel, and how files show in messages.
 */
export { Files } from './Files';
export { hold } from './held-files';
export { Tray } from './Tray';
export { cancel, upload } from './upload';
