import { useEffect, useState } from 'preact/hooks';

/** Upload progress (0…1) by outbox file key, for the views; a tiny store with one hook. */

const fractions = new Map<string, number>();
const listeners = new Set<() => void>();

export function setProgress(key: string, fraction: number): void {
  fractions.set(key, fraction);
  for (const fn of listeners) fn();
}

export function progressOf(key: string): number {
  return fractions.get(key) ?? 0;
}

export function forgetProgress(keys: Iterable<string>): void {
  for (const key of keys) fractions.delete(key);
}

/** Re-renders the component on every progress step while `active`. */
export function useProgress(active: boolean): void {
  const [, tick] = useState(0);
  useEffect(() => {
    if (!active) return;
    const fn = () => tick((n) => n + 1);
    listeners.add(fn);
    return () => {
      listeners.delete(fn);
    };
  }, [active]);
}
