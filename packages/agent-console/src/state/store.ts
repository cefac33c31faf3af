import { effect, type ReadonlySignal, signal } from '@preact/signals';

/**
 * A small generic store: one immutable state object held in a Preact signal. A component that reads
 * `store.state.value` while rendering re-renders when it changes (@preact/signals tracks the read); code
 * outside components uses `get()` and `set()`.
 */

/** A change: the fields to replace, or a function of the current state returning them (a reducer). */
export type Patch<S> = Partial<S> | ((state: S) => Partial<S>);

/** Fields that follow from others, recomputed on every change (`previous`: the state before it). */
export type Derive<S> = (next: S, previous: S) => Partial<S>;

export type Store<S> = {
  readonly state: ReadonlySignal<S>;
  /** The current state, without subscribing the caller. */
  get(): S;
  /** Applies a patch, then `derive`, and notifies readers once; an empty patch changes nothing. */
  set(patch: Patch<S>): void;
  /** Calls `fn` now and after every change; returns the unsubscribe function. */
  subscribe(fn: (state: S) => void): () => void;
};

export function createStore<S extends object>(initial: S, derive?: Derive<S>): Store<S> {
  const state = signal(initial);
  return {
    state,
    get: () => state.peek(),
    set(patch) {
      const previous = state.peek();
      const changes = typeof patch === 'function' ? patch(previous) : patch;
      if (Object.keys(changes).length === 0) return;
      const next = { ...previous, ...changes };
      state.value = derive ? { ...next, ...derive(next, previous) } : next;
    },
    subscribe: (fn) => effect(() => fn(state.value)),
  };
}
