/**
 * The attachments chunk (upload, previews, file views) is fetched on first use only: the first file picked,
 * pasted or dropped, the first message with files, an upload to resume. It stays out of the app's budget.
 */

export type AttachModule = typeof import('./attachments');

/** The chunk once it is here. */
export let attachLoaded: AttachModule | undefined;
let loading: Promise<AttachModule | undefined> | undefined;

/** Resolves to the chunk, or to undefined when it could not be fetched (a later call tries again). */
export function loadAttach(): Promise<AttachModule | undefined> {
  loading ??= import('./attachments').then(
    (m) => (attachLoaded = m),
    () => (loading = undefined),
  );
  return loading;
}
