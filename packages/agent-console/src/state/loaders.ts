import type { Conversation } from '@parley/protocol';
import type { ConversationPage } from '@parley/protocol/rest';
import { api, errorText } from '../transport/api.js';
import { getState, request, setState, toast } from './app.js';
import { conversationChanged, conversationJoined, inboxLoaded, olderClosedLoaded, summaryLoaded } from './reducers.js';

/** Loaders: read from the server (REST or the connection) into the store; failures become toasts. */

export async function loadSummary(id: string) {
  try {
    const { messages } = await api('GET /api/conversations/:id/messages', { params: { id } });
    setState((s) => summaryLoaded(s, id, messages));
  } catch {
    // the inbox still works without a preview
  }
}

const conversationPage = (status: 'open' | 'closed', limit: number, cursor: string | null = null) =>
  api('GET /api/conversations', { query: { status, limit, cursor: cursor || undefined } });

/** Every open conversation (pages of 200, at most 2 000): the queue and the tabs must not miss any. */
async function allOpenConversations(): Promise<Conversation[]> {
  const all: Conversation[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 10; page++) {
    const { conversations, nextCursor }: ConversationPage = await conversationPage('open', 200, cursor);
    all.push(...conversations);
    cursor = nextCursor;
    if (!cursor) break;
  }
  return all;
}

/** Whether this session's first inbox load has sorted the list (State.shownOrder). */
let sortedOnce = false;

/** A new session sorts its first inbox load afresh. */
export function resetInboxOrder() {
  sortedOnce = false;
}

export async function refreshInbox() {
  try {
    const [open, closed] = await Promise.all([allOpenConversations(), conversationPage('closed', 50)]);
    setState(inboxLoaded(open, closed.conversations, closed.nextCursor));
    // Previews and waiting times for open conversations, a few at a time; the first 200 (beyond them a row
    // shows its message count until a message arrives).
    const ids = open.slice(0, 200).map((c) => c.id);
    for (let i = 0; i < ids.length; i += 6) await Promise.all(ids.slice(i, i + 6).map(loadSummary));
    // Now that waiting times are known, sort the list once, longest waiting first; later loads (a
    // reconnection) leave the rows where the agent has them.
    if (!sortedOnce) {
      sortedOnce = true;
      setState({ shownOrder: [] });
    }
  } catch (error) {
    toast(`Could not load conversations: ${errorText(error)}`, 'error');
  }
}

/** The Closed tab's "Show older": the next page of closed conversations, added to those already listed. */
export async function loadOlderClosed() {
  const cursor = getState().closedCursor;
  if (!cursor) return;
  try {
    const { conversations, nextCursor } = await conversationPage('closed', 50, cursor);
    setState((s) => olderClosedLoaded(s, conversations, nextCursor));
  } catch (error) {
    toast(`Could not load older conversations: ${errorText(error)}`, 'error');
  }
}

export async function refreshAgents() {
  try {
    const { agents } = await api('GET /api/agents');
    setState({ agents });
  } catch {
    // optional
  }
}

export async function refreshCanned() {
  try {
    const { canned } = await api('GET /api/canned');
    setState({ canned });
  } catch {
    // optional
  }
}

export async function loadDetail(id: string) {
  try {
    const detail = await api('GET /api/conversations/:id', { params: { id } });
    setState((s) => ({ details: { ...s.details, [id]: detail } }));
  } catch {
    // sidebar shows what it has
  }
}

/** Joins a conversation's room and loads its messages, then its details. */
export async function loadConversation(id: string) {
  try {
    const { conversation, messages } = await request('conversation:join', { conversationId: id });
    setState((s) => conversationJoined(s, conversation, messages));
  } catch (error) {
    toast(`Could not open the conversation: ${errorText(error)}`, 'error');
  }
  void loadDetail(id);
}

/** A conversation changed on the server; the open one reloads its details. */
export function applyConversation(conversation: Conversation) {
  setState((s) => conversationChanged(s, conversation));
  if (conversation.id === getState().activeId) void loadDetail(conversation.id);
}
