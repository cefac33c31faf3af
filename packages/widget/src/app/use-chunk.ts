import { useState } from 'preact/hooks';
import type { LazyChunk } from '../shared/lazy-chunk';

/** The chunk's module once it is here; `need` fetches it, and the component re-renders when it arrives. */
export function useChunk<M>(chunk: LazyChunk<M>, need: boolean): M | undefined {
  const [, arrived] = useState(0);
  if (need && !chunk.loaded) void chunk.load().then(() => arrived(1));
  return chunk.loaded;
}
