/**
 * A part of the app fetched on first use, as a chunk of its own: it is not among what opening the chat
 * downloads (scripts/size.mjs budgets each such chunk on its own). `loaded` is its module once here; `load()`
 * fetches it and resolves to undefined when that failed (a later call tries again).
 */
export type LazyChunk<M> = { loaded?: M; load(): Promise<M | undefined> };

export function lazyChunk<M>(importer: () => Promise<M>): LazyChunk<M> {
  let loading: Promise<M | undefined> | undefined;
  const chunk: LazyChunk<M> = {
    load: () =>
      (loading ??= importer().then(
        (m) => (chunk.loaded = m),
        () => (loading = undefined),
      )),
  };
  return chunk;
}
