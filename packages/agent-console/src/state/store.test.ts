import { describe, expect, it } from 'vitest';
import { createStore } from './store.js';

describe('store', () => {
  it('merges a patch or a reducer into a new state object', () => {
    const store = createStore({ a: 1, b: 'x' });
    const before = store.get();
    store.set({ a: 2 });
    store.set((s) => ({ b: `${s.b}${s.a}` }));
    expect(store.get()).toEqual({ a: 2, b: 'x2' });
    expect(before).toEqual({ a: 1, b: 'x' });
  });

  it('recomputes derived fields from the next and the previous state', () => {
    const store = createStore({ n: 1, double: 2, changes: 0 }, (next, previous) =>
      next.n === previous.n ? {} : { double: next.n * 2, changes: next.changes + 1 },
    );
    store.set({ n: 5 });
    store.set({ n: 5 });
    expect(store.get()).toEqual({ n: 5, double: 10, changes: 1 });
  });

  it('tells subscribers now and after each change, until they unsubscribe', () => {
    const store = createStore({ n: 0 });
    const seen: number[] = [];
    const stop = store.subscribe((s) => seen.push(s.n));
    store.set({});
    store.set({ n: 1 });
    stop();
    store.set({ n: 2 });
    expect(seen).toEqual([0, 1]);
  });
});
