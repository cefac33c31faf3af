import type { AgentStatus, Attachment } from '@parley/protocol';
import { newClientId } from '@parley/protocol/client-id';
import { api, errorText } from '../transport/api.js';
import { currentConnection, getState, request, setState, toast } from './app.js';
import { stepWaiting } from './inbox-order.js';
import { applyConversation, loadConversation, refreshAgents } from './loaders.js';
import {
  conversationOpened,
  fileLinksRenewed,
  messageFailed,
  messageReceived,
  messageSending,
  messageSent,
  summaryPatched,
} from './reducers.js';
import { navigate } from './router.js';
import { tabShowing, waitingIds } from './selectors.js';
import type { ChatMessage } from './types.js';

/** What the agent does: each action asks the server, then changes the store through a reducer. */

const pageVisible = () => document.visibilityState === 'visible';

export function openConversation(id: string | null, push = true) {
  const s = getState();
  const previous = s.activeId;
  const connection = currentConnection();
  if (previous && previous !== id && connection?.connected) {
    const prev = s.items[previous];
    // Stay subscribed only where the server would not tell us anyway.
    if (prev && prev.agentId !== s.me?.id) connection.send('conversation:leave', { conversationId: previous });
  }
  setState((st) => conversationOpened(st, id));
  if (push) navigate(id ? `/inbox/${id}` : '/inbox');
  if (id) void loadConversation(id);
}

/** Back on the page: the open conversation is read. */
export function markActiveRead() {
  const { activeId, summaries } = getState();
  if (pageVisible() && activeId && summaries[activeId]?.unread)
    setState((s) => summaryPatched(s, activeId, { unread: 0, fresh: false }));
}

/**
 * Alt+↓ / Alt+↑: opens the next (previous) chat that waits for me, switching to the tab that lists it so the
 * selection stays visible. Says so when nothing else waits.
 */
export function openWaiting(direction: 1 | -1) {
  const s = getState();
  const waiting = waitingIds(s);
  const target = stepWaiting(waiting, s.activeId, direction);
  if (!target) {
    const others = waiting.some((id) => id !== s.activeId);
    toast(
      !others
        ? 'No other chat is waiting for you'
        : direction === 1
          ? 'This is the last chat waiting for you'
          : 'This is the first chat waiting for you',
    );
    return;
  }
  const c = s.items[target];
  if (c) setState({ tab: tabShowing(c, s) });
  openConversation(target);
}

/** The agent's own profile: email me about chats assigned while I am offline. */
export async function setEmailNotifications(on: boolean) {
  try {
    const { agent } = await api('PATCH /api/me', { body: { emailNotifications: on } });
    setState({ me: agent });
    toast(on ? 'You will get an email for chats assigned while you are offline' : 'Offline emails turned off');
  } catch (error) {
    toast(`Could not change your email setting: ${errorText(error)}`, 'error');
  }
}

export async function setStatus(status: AgentStatus) {
  try {
    await request('agent:status', { status });
    // Only once the server has it: "away" must really mean no new conversations.
    setState({ status });
    void refreshAgents();
  } catch (error) {
    toast(`Could not change status: ${errorText(error)}`, 'error');
  }
}

/**
 * Sends a message (or an internal note) with the files already uploaded. A retry reuses the clientId: the
 * server stores a message once per clientId, however often it is asked.
 */
export async function sendMessage(
  conversationId: string,
  text: string,
  internal: boolean,
  clientId = newClientId(),
  attachments: readonly Attachment[] = [],
) {
  const me = getState().me;
  if (!me) return;
  const optimistic: ChatMessage = {
    id: `local:${clientId}`,
    conversationId,
    seq: Number.MAX_SAFE_INTEGER,
    clientId,
    author: 'agent',
    authorName: me.name,
    text,
    internal,
    createdAt: new Date().toISOString(),
    attachments: [...attachments],
    delivery: 'sending',
  };
  setState((s) => messageSending(s, optimistic));
  try {
    const { message } = await request('message:send', {
      conversationId,
      clientId,
      text,
      internal,
      ...(attachments.length ? { attachments: attachments.map((a) => a.id) } : {}),
    });
    setState((s) => messageReceived(s, { ...message }, pageVisible()));
    setState((s) => messageSent(s, optimistic));
  } catch (error) {
    setState((s) => messageFailed(s, optimistic));
    toast(`Message not sent: ${errorText(error)}`, 'error');
  }
}

export function retryMessage(message: ChatMessage) {
  if (message.clientId)
    void sendMessage(message.conversationId, message.text, message.internal, message.clientId, message.attachments);
}

/** conversation id → the highest seq reported seen (each is reported once). */
const seenSent = new Map<string, number>();
/** Delivery receipt: this console showed the conversation up to `seq` (sent by its agent or a supervisor). */
export function agentSeen(conversationId: string, seq: number) {
  const connection = currentConnection();
  if (!connection?.connected || seq <= (seenSent.get(conversationId) ?? 0)) return;
  seenSent.set(conversationId, seq);
  connection.send('messages:seen', { conversationId, seq });
}

let typingTimer: ReturnType<typeof setTimeout> | null = null;
let typingFor: string | null = null;
/** Tells the visitor the agent types; "stopped" after 3 s without a keystroke, on send and on blur. */
export function agentTyping(conversationId: string, typing: boolean) {
  const connection = currentConnection();
  if (!connection?.connected) return;
  if (typing) {
    if (typingFor !== conversationId) connection.send('typing', { conversationId, typing: true });
    typingFor = conversationId;
    if (typingTimer) clearTimeout(typingTimer);
    typingTimer = setTimeout(() => agentTyping(conversationId, false), 3000);
  } else if (typingFor) {
    connection.send('typing', { conversationId: typingFor, typing: false });
    typingFor = null;
    if (typingTimer) clearTimeout(typingTimer);
  }
}

export async function acceptConversation(id: string) {
  try {
    const { conversation } = await request('conversation:accept', { conversationId: id });
    applyConversation(conversation);
    if (getState().activeId !== id) openConversation(id);
    else void loadConversation(id);
    setState({ tab: 'mine' });
  } catch (error) {
    toast(`Could not accept: ${errorText(error)}`, 'error');
  }
}

/** Hands a conversation to another agent (or back to the queue); throws for the dialog to show. */
export async function transferConversation(id: string, toAgentId: string | null, note: string) {
  const payload: { conversationId: string; toAgentId?: string; note?: string } = { conversationId: id };
  if (toAgentId) payload.toAgentId = toAgentId;
  if (note.trim()) payload.note = note.trim();
  const { conversation } = await request('conversation:transfer', payload);
  applyConversation(conversation);
  const target = toAgentId ? getState().agents.find((a) => a.id === toAgentId)?.name : null;
  toast(target ? `Transferred to ${target}` : 'Sent back to the queue');
  setState({ transferOpen: false });
  void loadConversation(id);
}

/** Blocks the visitor (by visitor and address, on this site): closes the chat and disconnects them. */
export async function blockVisitor(id: string, reason: string) {
  await api('POST /api/conversations/:id/block', {
    params: { id },
    body: reason.trim() ? { reason: reason.trim() } : {},
  });
  toast('Visitor blocked — the conversation is closed');
  setState({ blockOpen: false });
  void loadConversation(id);
}

export async function closeConversation(id: string) {
  try {
    const { conversation } = await request('conversation:close', { conversationId: id });
    applyConversation(conversation);
    toast('Conversation closed');
  } catch (error) {
    toast(`Could not close: ${errorText(error)}`, 'error');
  }
}

/**
 * Asks for the conversation's messages again for freshly signed file links (they last under an hour), without
 * marking it read or changing anything else. Quiet on failure: the next renewal or reopening tries again.
 */
export async function renewFileLinks(conversationId: string) {
  try {
    const { messages } = await request('conversation:join', { conversationId });
    setState((s) => fileLinksRenewed(s, conversationId, messages));
  } catch {
    // offline: the links renew when the conversation is opened again
  }
}
