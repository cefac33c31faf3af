import type { CannedResponse } from '@parley/protocol';

/** The canned responses a "/query" in the composer offers: shortcuts starting with it first, at most 8. */
export function cannedMatches(canned: CannedResponse[], query: string): CannedResponse[] {
  const q = query.toLowerCase();
  const starts = canned.filter((c) => c.shortcut.startsWith(q));
  const contains = canned.filter(
    (c) => !c.shortcut.startsWith(q) && (c.shortcut.includes(q) || c.text.toLowerCase().includes(q)),
  );
  return [...starts, ...contains].slice(0, 8);
}
