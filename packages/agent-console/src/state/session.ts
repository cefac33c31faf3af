import type { Agent } from '@parley/protocol';
import { api, getToken, setToken, whenUnauthorized } from '../transport/api.js';
import { type Connection, openConnection } from '../transport/connection.js';
import { currentConnection, getState, setConnection, setState } from './app.js';
import { serverEvents } from './events.js';
import { loadConversation, refreshAgents, refreshCanned, refreshInbox, resetInboxOrder } from './loaders.js';
import { navigate } from './router.js';
import { initialState } from './types.js';
import { dropUploads } from './upload-actions.js';

/** The agent's session: sign in, restore a saved login, connect, sign out. */

/** What the login form says after the server ended a session (expired, or revoked elsewhere). */
const SESSION_ENDED = 'Your session has ended. Please sign in again.';

export async function login(email: string, password: string) {
  const res = await api('POST /api/auth/login', { body: { email, password } });
  setToken(res.token);
  await start(res.agent);
}

async function start(me: Agent) {
  resetInboxOrder();
  setState({ ...initialState, me, booting: false, tab: 'mine' });
  connect(getToken()!);
  void refreshAgents();
  void refreshCanned();
}

/** Restores a saved login, or shows the login form. */
export async function boot() {
  whenUnauthorized(() => void logout(false, SESSION_ENDED));
  if (!getToken()) return setState({ booting: false });
  try {
    const { agent } = await api('GET /api/me');
    await start(agent);
  } catch {
    setToken(null);
    setState({ booting: false });
  }
}

/** Signs out; `reason` is shown on the login form when the server, not the agent, ended the session. */
export async function logout(callServer = true, reason: string | null = null) {
  if (callServer) await api('POST /api/auth/logout').catch(() => {});
  currentConnection()?.close();
  setConnection(null);
  setToken(null);
  dropUploads();
  setState({ ...initialState, booting: false, signedOut: reason });
  navigate('/inbox');
}

function connect(token: string) {
  currentConnection()?.close();
  const connection: Connection = openConnection(token, {
    ...serverEvents,
    connect() {
      setState({ connection: 'connected' });
      // The server reconnects an agent's sockets when an admin changes their role or name: show the new one.
      void api('GET /api/me').then(
        ({ agent }) => setState({ me: agent }),
        () => {},
      );
      void refreshInbox();
      const active = getState().activeId;
      if (active) void loadConversation(active);
    },
    disconnect(reason) {
      setState({ connection: 'disconnected' });
      // The server ended the connection (the login expired or was revoked, or it could not set the
      // connection up): socket.io does not retry that on its own. Ask again; a login that no longer works
      // is answered `unauthorized`, below.
      if (reason === 'io server disconnect')
        setTimeout(() => connection === currentConnection() && connection.reconnect(), 1000);
    },
    connectError(error) {
      setState({ connection: 'disconnected' });
      if (error.message === 'unauthorized') void logout(false, SESSION_ENDED);
    },
  });
  setConnection(connection);
  setState({ connection: 'connecting' });
}
