import { isSupervisor } from '@parley/protocol/entities';
import { ApiError } from '../transport/api.js';
import type { AckOf, ClientEvent, Connection, PayloadOf } from '../transport/connection.js';
import { toastAdded, toastDismissed } from './reducers.js';
import { deriveShownOrder } from './selectors.js';
import { createStore } from './store.js';
import { initialState, type State, type Toast } from './types.js';

/** The console's one store and its one connection: what actions and loaders read and change. */

export const appStore = createStore<State>(initialState, deriveShownOrder);

export const getState = appStore.get;
export const setState = appStore.set;

/** The state, for a component: reading it subscribes the component, which re-renders on every change. */
export function useAppState(): State {
  return appStore.state.value;
}

export const canSupervise = () => isSupervisor(appStore.get().me);

let connection: Connection | null = null;

export function currentConnection(): Connection | null {
  return connection;
}

export function setConnection(next: Connection | null) {
  connection = next;
}

/** A request on the agent's connection (transport/connection.ts), typed by the protocol's AgentClientEvents. */
export function request<E extends ClientEvent>(event: E, payload: PayloadOf<E>): Promise<AckOf<E>> {
  if (!connection) return Promise.reject(new ApiError(0, 'offline', 'Not connected'));
  return connection.request(event, payload);
}

let toastSeq = 0;
export function toast(text: string, kind: Toast['kind'] = 'info') {
  const id = ++toastSeq;
  setState((s) => toastAdded(s, { id, text, kind }));
  setTimeout(() => dismissToast(id), kind === 'error' ? 6000 : 3500);
}

export function dismissToast(id: number) {
  setState((s) => toastDismissed(s, id));
}
