/**
 * The console's state layer, as the views use it:
 * - store.ts: a small generic store on a Preact signal; app.ts: the console's one store and connection;
 * - types.ts: the state's shape; reducers.ts and summaries.ts: pure changes; selectors.ts: pure reads;
 * - events.ts: server events → reducers; loaders.ts: server reads; actions.ts: what the agent does;
 * - session.ts: sign in and out; router.ts: paths under /console/; start.ts: starts it all (main.tsx).
 */
export { errorText } from '../transport/api.js';
export * from './actions.js';
export { canSupervise, dismissToast, getState, setState, toast, useAppState } from './app.js';
export { loadOlderClosed, refreshAgents, refreshCanned } from './loaders.js';
export { currentPath, navigate, useRoute } from './router.js';
export {
  type ComposerFiles,
  composerFiles,
  conversationFiles,
  fileLinksExpireAt,
  listFor,
  myLoad,
  type SharedFile,
  summaryOf,
  unreadIn,
  waitingIds,
} from './selectors.js';
export { login, logout } from './session.js';
export { startConsole } from './start.js';
export type * from './types.js';
export * from './upload-actions.js';
