import type {
  Agent,
  AgentServerEvents,
  AgentStatus,
  Author,
  CannedResponse,
  Conversation,
  Message,
  PageContext,
} from '@parley/protocol';
import { useEffect, useReducer } from 'preact/hooks';
import { io, type Socket } from 'socket.io-client';
import { chime, desktopNotify, setTitleCount } from './alerts.js';
import { ApiError, api, getToken, setToken, whenUnauthorized } from './api.js';
import { keepOrder, rankByWait, sortByOrder, stepWaiting, waitingForMe } from './inbox-order.js';
import { newClientId, visitorLabel } from './util.js';

// ---------------------------------------------------------------- types

export type Tab = 'queue' | 'mine' | 'all' | 'closed';
export type Delivery = 'sending' | 'sent' | 'failed';
export type ChatMessage = Message & { delivery?: Delivery };
export type AgentRow = Agent & { status: AgentStatus | 'offline'; load: number };

/** What the inbox shows about a conversation beyond the Conversation itself. */
export type Summary = {
  preview: string | null;
  previewAuthor: Author | null;
  /** Who wrote the preview: an agent's reply reads "You:" only when it is mine. */
  previewAuthorName: string | null;
  lastAt: string | null;
  /** Since when the visitor has been waiting for a reply (null: not waiting). */
  waitingSince: string | null;
  unread: number;
  /** Newly assigned to me and not opened yet. */
  fresh: boolean;
  /** The highest message seq this summary reflects: a snapshot loaded earlier must not override a newer one. */
  seq: number;
};

export type VisitorDetail = {
  id: string;
  name: string | null;
  email: string | null;
  userId: string | null;
  verified: boolean;
  context: PageContext;
  createdAt: string;
  lastSeenAt: string;
};

export type ConversationDetail = {
  conversation: Conversation;
  visitor: VisitorDetail | null;
  pastConversations: Conversation[];
};

export type Toast = { id: number; text: string; kind: 'info' | 'error' };

export type State = {
  me: Agent | null;
  booting: boolean;
  status: AgentStatus;
  connection: 'connecting' | 'connected' | 'disconnected';
  items: Record<string, Conversation>;
  summaries: Record<string, Summary>;
  messages: Record<string, ChatMessage[]>;
  details: Record<string, ConversationDetail>;
  typing: Record<string, { preview: string | null; at: number }>;
  agents: AgentRow[];
  canned: CannedResponse[];
  activeId: string | null;
  tab: Tab;
  toasts: Toast[];
  helpOpen: boolean;
  transferOpen: boolean;
  blockOpen: boolean;
  composerMode: 'reply' | 'note';
  /** The visitor details drawer, on screens too narrow to show the panel beside the conversation. */
  detailsOpen: boolean;
  /**
   * The order the open tab shows its rows in, kept while the agent looks at it (inbox-order.ts keepOrder):
   * set afresh, longest waiting first, when the tab changes or the first inbox load completes.
   */
  shownOrder: string[];
  /** Why the agent is looking at the login form again, when the server ended the session. */
  signedOut: string | null;
  /** Where the next page of older closed conversations starts; null when every one is loaded. */
  closedCursor: string | null;
};

const initial: State = {
  me: null,
  booting: true,
  status: 'online',
  connection: 'disconnected',
  items: {},
  summaries: {},
  messages: {},
  details: {},
  typing: {},
  agents: [],
  canned: [],
  activeId: null,
  tab: 'mine',
  toasts: [],
  helpOpen: false,
  transferOpen: false,
  blockOpen: false,
  composerMode: 'reply',
  detailsOpen: false,
  shownOrder: [],
  signedOut: null,
  closedCursor: null,
};

// ---------------------------------------------------------------- store

let state: State = initial;
const listeners = new Set<() => void>();

export const getState = () => state;

export function setState(patch: Partial<State> | ((s: State) => Partial<State>)) {
  const previous = state;
  state = { ...state, ...(typeof patch === 'function' ? patch(state) : patch) };
  if (
    state.items !== previous.items ||
    state.summaries !== previous.summaries ||
    state.tab !== previous.tab ||
    state.me !== previous.me ||
    state.shownOrder !== previous.shownOrder
  ) {
    // The open tab's rows follow what changed while keeping their places (inbox-order.ts keepOrder);
    // another tab starts from its fresh ranking.
    const shown = state.tab === previous.tab ? state.shownOrder : [];
    state.shownOrder =
      state.tab === 'closed'
        ? []
        : keepOrder(
            shown,
            rankedFor(state.tab, state).map((c) => c.id),
          );
  }
  for (const listener of listeners) listener();
  updateTitle();
}

/** Re-renders the calling component on every state change (the app is small; Preact batches renders). */
export function useAppState(): State {
  const [, force] = useReducer((n: number) => n + 1, 0);
  const rendered = state;
  useEffect(() => {
    const listener = () => force(undefined);
    listeners.add(listener);
    // The state may have changed between this render and the subscription.
    if (state !== rendered) listener();
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return state;
}

let toastSeq = 0;
export function toast(text: string, kind: Toast['kind'] = 'info') {
  const id = ++toastSeq;
  setState((s) => ({ toasts: [...s.toasts, { id, text, kind }] }));
  setTimeout(() => dismissToast(id), kind === 'error' ? 6000 : 3500);
}

export function dismissToast(id: number) {
  setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong';
}

// ---------------------------------------------------------------- derived

const isSupervisor = (agent: Agent | null) => agent?.role === 'supervisor' || agent?.role === 'admin';
export const canSupervise = () => isSupervisor(state.me);

export function myLoad(s: State = state): number {
  if (!s.me) return 0;
  let n = 0;
  for (const c of Object.values(s.items)) if (c.status === 'assigned' && c.agentId === s.me.id) n++;
  return n;
}

const EMPTY_SUMMARY: Summary = {
  preview: null,
  previewAuthor: null,
  previewAuthorName: null,
  lastAt: null,
  waitingSince: null,
  unread: 0,
  fresh: false,
  seq: 0,
};

export function summaryOf(id: string, s: State = state): Summary {
  return s.summaries[id] ?? EMPTY_SUMMARY;
}

/** Since when the visitor has waited for a reply; a queued conversation waits from its start. */
const waitingSinceIn = (s: State) => (c: Conversation) =>
  s.summaries[c.id]?.waitingSince ?? (c.status === 'queued' ? c.createdAt : null);

/**
 * Conversations of a tab. The open tab keeps the order its rows were shown in (State.shownOrder); any other
 * tab, and new rows, the longest waiting first (then the most recently active). Closed: newest first.
 */
export function listFor(tab: Tab, s: State = state): Conversation[] {
  const ranked = rankedFor(tab, s);
  return tab === s.tab && tab !== 'closed' ? sortByOrder(ranked, s.shownOrder) : ranked;
}

function rankedFor(tab: Tab, s: State): Conversation[] {
  const me = s.me;
  if (!me) return [];
  const all = Object.values(s.items);
  let list: Conversation[];
  if (tab === 'queue') list = all.filter((c) => c.status === 'queued');
  else if (tab === 'mine') list = all.filter((c) => c.status === 'assigned' && c.agentId === me.id);
  else if (tab === 'all') list = all.filter((c) => c.status !== 'closed');
  else
    list = all.filter((c) => c.status === 'closed' && (isSupervisor(me) || c.agentId === me.id || c.agentId === null));
  if (tab === 'closed')
    return list.sort((a, b) => Date.parse(b.closedAt ?? b.updatedAt) - Date.parse(a.closedAt ?? a.updatedAt));
  return rankByWait(list, waitingSinceIn(s));
}

/** The conversations that wait for me, in the order Alt+↓ visits them (inbox-order.ts waitingForMe). */
export function waitingIds(s: State = state): string[] {
  if (!s.me) return [];
  return waitingForMe(Object.values(s.items), s.me, (c) => s.summaries[c.id]?.waitingSince ?? null);
}

/** The tab that lists a conversation: the open one when it does, else the first that does. */
function tabShowing(c: Conversation, s: State): Tab {
  const lists = (tab: Tab) => rankedFor(tab, s).some((x) => x.id === c.id);
  if (lists(s.tab)) return s.tab;
  return (['mine', 'queue', 'all', 'closed'] as const).find(lists) ?? s.tab;
}

/**
 * Alt+↓ / Alt+↑: opens the next (previous) chat that waits for me, switching to the tab that lists it so the
 * selection stays visible. Says so when nothing else waits.
 */
export function openWaiting(direction: 1 | -1) {
  const waiting = waitingIds();
  const target = stepWaiting(waiting, state.activeId, direction);
  if (!target) {
    const others = waiting.some((id) => id !== state.activeId);
    toast(
      !others
        ? 'No other chat is waiting for you'
        : direction === 1
          ? 'This is the last chat waiting for you'
          : 'This is the first chat waiting for you',
    );
    return;
  }
  const c = state.items[target];
  if (c) setState({ tab: tabShowing(c, state) });
  openConversation(target);
}

export function unreadIn(tab: Tab, s: State = state): number {
  return listFor(tab, s).reduce((n, c) => n + (s.summaries[c.id]?.unread ?? 0), 0);
}

function updateTitle() {
  if (!state.me) return setTitleCount(0);
  let count = 0;
  for (const c of Object.values(state.items)) {
    if (c.status === 'closed') continue;
    const sum = state.summaries[c.id];
    if (!sum) continue;
    if (c.agentId === state.me.id || (c.status === 'queued' && state.status === 'online'))
      count += sum.unread + (sum.fresh && sum.unread === 0 ? 1 : 0);
  }
  setTitleCount(count);
}

// ---------------------------------------------------------------- summaries

function summarize(messages: ChatMessage[], previous?: Summary): Summary {
  let waitingSince: string | null = null;
  let last: ChatMessage | undefined;
  let seq = 0;
  for (const m of messages) {
    seq = Math.max(seq, m.seq);
    if (m.internal) continue;
    if (m.author === 'visitor') {
      waitingSince ??= m.createdAt;
      last = m;
    } else if (m.author === 'agent') {
      waitingSince = null;
      last = m;
    } else if (!last) last = m;
  }
  return {
    preview: last?.text ?? previous?.preview ?? null,
    previewAuthor: last?.author ?? previous?.previewAuthor ?? null,
    previewAuthorName: last ? last.authorName : (previous?.previewAuthorName ?? null),
    lastAt: last?.createdAt ?? previous?.lastAt ?? null,
    waitingSince,
    unread: previous?.unread ?? 0,
    fresh: previous?.fresh ?? false,
    seq,
  };
}

/**
 * The summary of a loaded list of messages, unless the one we have already reflects later messages: a
 * response that left the server before the latest `message:new` events must not roll the preview back.
 */
function summaryFromLoaded(messages: ChatMessage[], current: Summary | undefined): Summary {
  const loaded = summarize(messages, current);
  return current && current.seq > loaded.seq ? current : loaded;
}

function patchSummary(id: string, fn: (s: Summary) => Partial<Summary>) {
  setState((s) => {
    const current = s.summaries[id] ?? EMPTY_SUMMARY;
    return { summaries: { ...s.summaries, [id]: { ...current, ...fn(current) } } };
  });
}

function applyMessage(message: Message) {
  const id = message.conversationId;
  setState((s) => {
    const existing = s.messages[id];
    let messages = existing;
    if (existing) {
      const byId = existing.findIndex((m) => m.id === message.id);
      const byClient =
        message.clientId !== null ? existing.findIndex((m) => m.clientId === message.clientId && m.delivery) : -1;
      const next = existing.slice();
      if (byId >= 0) next[byId] = { ...message, delivery: existing[byId]?.delivery ? 'sent' : undefined };
      else if (byClient >= 0) next[byClient] = { ...message, delivery: 'sent' };
      else next.push(message);
      next.sort((a, b) => a.seq - b.seq);
      messages = next;
    }
    const sum = s.summaries[id] ?? EMPTY_SUMMARY;
    const updated: Summary = { ...sum, seq: Math.max(sum.seq, message.seq) };
    // System events ("Ana joined…") only stand in when there is no real message to preview.
    if (!message.internal && (message.author !== 'system' || !sum.preview)) {
      updated.preview = message.text;
      updated.previewAuthor = message.author;
      updated.previewAuthorName = message.authorName;
      updated.lastAt = message.createdAt;
      if (message.author === 'visitor') updated.waitingSince ??= message.createdAt;
      if (message.author === 'agent') updated.waitingSince = null;
    }
    const viewing = s.activeId === id && document.visibilityState === 'visible';
    if (message.author === 'visitor' && !viewing) updated.unread = sum.unread + 1;
    const typing = message.author === 'visitor' ? omit(s.typing, id) : s.typing;
    return {
      messages: messages ? { ...s.messages, [id]: messages } : s.messages,
      summaries: { ...s.summaries, [id]: updated },
      typing,
    };
  });
}

function omit<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const { [key]: _gone, ...rest } = record;
  return rest;
}

// ---------------------------------------------------------------- socket

let socket: Socket | null = null;

type TimedEmitter = { emit(event: string, payload: unknown, ack: (err: Error | null, res: unknown) => void): void };

type AckResult = { ok: true } & Record<string, unknown>;

/** Emits with an acknowledgement; rejects with ApiError on `{ok:false}` or a timeout. */
export function request<T = AckResult>(event: string, payload: unknown, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    if (!socket) return reject(new ApiError(0, 'offline', 'Not connected'));
    (socket.timeout(timeoutMs) as unknown as TimedEmitter).emit(event, payload, (err, res) => {
      if (err) return reject(new ApiError(0, 'timeout', 'The server did not answer in time'));
      const r = res as { ok: boolean; error?: { code: string; message: string } };
      if (!r?.ok) return reject(new ApiError(400, r?.error?.code ?? 'error', r?.error?.message ?? 'Request failed'));
      resolve(res as T);
    });
  });
}

function connectSocket(token: string) {
  socket?.disconnect();
  const s = io('/agent', {
    // echo: false — this tab learns of its own messages from the acks; the agent's other tabs still hear them.
    auth: { token, echo: false },
    transports: ['websocket', 'polling'],
    reconnectionDelayMax: 5000,
  });
  socket = s;
  setState({ connection: 'connecting' });
  const on = <K extends keyof AgentServerEvents>(event: K, fn: AgentServerEvents[K]) =>
    s.on(event as string, fn as (...args: unknown[]) => void);

  s.on('connect', () => {
    setState({ connection: 'connected' });
    // The server reconnects an agent's sockets when an admin changes their role or name: show the new one.
    void api<{ agent: Agent }>('/api/me').then(
      ({ agent }) => setState({ me: agent }),
      () => {},
    );
    void refreshInbox();
    const active = state.activeId;
    if (active) void loadConversation(active);
  });
  s.on('disconnect', (reason) => {
    setState({ connection: 'disconnected' });
    // The server ended the connection (the login expired or was revoked, or it could not set the
    // connection up): socket.io does not retry that on its own. Ask again; a login that no longer works
    // is answered `unauthorized`, below.
    if (reason === 'io server disconnect') setTimeout(() => socket === s && s.connect(), 1000);
  });
  s.on('connect_error', (error: Error) => {
    setState({ connection: 'disconnected' });
    if (error.message === 'unauthorized') void logout(false, SESSION_ENDED);
  });
  on('conversation:updated', (conversation) => upsertConversation(conversation));
  on('conversation:assigned', (conversation) => {
    upsertConversation(conversation);
    if (conversation.agentId !== state.me?.id) return;
    if (state.activeId !== conversation.id) patchSummary(conversation.id, () => ({ fresh: true }));
    chime('assigned');
    desktopNotify('New conversation', `${visitorLabel(conversation)} is waiting for you`, conversation.id, () =>
      openConversation(conversation.id),
    );
    // Fill in the preview for a conversation we did not know.
    if (!state.messages[conversation.id]) void loadSummary(conversation.id);
  });
  on('message:new', (message) => {
    applyMessage(message);
    const conversation = state.items[message.conversationId];
    if (message.author !== 'visitor' || !conversation || !state.me) return;
    const mine = conversation.agentId === state.me.id;
    const viewing = state.activeId === message.conversationId && document.visibilityState === 'visible';
    if (mine && !viewing) {
      chime('message');
      desktopNotify(visitorLabel(conversation), message.text, message.conversationId, () =>
        openConversation(message.conversationId),
      );
    }
  });
  on('typing', ({ conversationId, typing, preview }) => {
    setState((st) => ({
      typing: typing
        ? { ...st.typing, [conversationId]: { preview: preview ?? null, at: Date.now() } }
        : omit(st.typing, conversationId),
    }));
  });
  on('presence', ({ agentId, status }) => {
    setState((st) => ({
      agents: st.agents.map((a) => (a.id === agentId ? { ...a, status } : a)),
      ...(agentId === st.me?.id && status !== 'offline' ? { status } : {}),
    }));
  });
  on('server:shutdown', () => toast('The server is restarting — reconnecting…'));
  on('server:resync', () => {
    void refreshInbox();
    if (state.activeId) void loadConversation(state.activeId);
  });
}

// Typing previews expire if the visitor goes quiet without a "stopped" event.
setInterval(() => {
  const stale = Object.entries(state.typing).filter(([, t]) => Date.now() - t.at > 8000);
  if (stale.length) setState((s) => ({ typing: stale.reduce((acc, [id]) => omit(acc, id), s.typing) }));
}, 2000);

function upsertConversation(conversation: Conversation) {
  setState((s) => {
    const before = s.items[conversation.id];
    const next: Partial<State> = { items: { ...s.items, [conversation.id]: { ...before, ...conversation } } };
    const detail = s.details[conversation.id];
    if (detail) next.details = { ...s.details, [conversation.id]: { ...detail, conversation } };
    if (conversation.status === 'closed' && s.summaries[conversation.id])
      next.summaries = {
        ...s.summaries,
        [conversation.id]: { ...s.summaries[conversation.id]!, waitingSince: null, fresh: false },
      };
    return next;
  });
  if (conversation.id === state.activeId) void loadDetail(conversation.id);
}

// ---------------------------------------------------------------- loading

async function loadSummary(id: string) {
  try {
    const { messages } = await api<{ messages: Message[] }>(`/api/conversations/${encodeURIComponent(id)}/messages`);
    setState((s) => ({ summaries: { ...s.summaries, [id]: summaryFromLoaded(messages, s.summaries[id]) } }));
  } catch {
    // the inbox still works without a preview
  }
}

type ConversationPage = { conversations: Conversation[]; nextCursor: string | null };

const conversationPage = (status: 'open' | 'closed', limit: number, cursor: string | null = null) =>
  api<ConversationPage>(
    `/api/conversations?status=${status}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
  );

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

export async function refreshInbox() {
  try {
    const [open, closed] = await Promise.all([allOpenConversations(), conversationPage('closed', 50)]);
    const items: Record<string, Conversation> = {};
    for (const c of [...closed.conversations, ...open]) items[c.id] = c;
    setState({ items, closedCursor: closed.nextCursor });
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
  const cursor = state.closedCursor;
  if (!cursor) return;
  try {
    const { conversations, nextCursor } = await conversationPage('closed', 50, cursor);
    setState((s) => {
      const items = { ...s.items };
      // A conversation already known is kept as it is: it may have changed since this page was read.
      for (const c of conversations) items[c.id] ??= c;
      return { items, closedCursor: nextCursor };
    });
  } catch (error) {
    toast(`Could not load older conversations: ${errorText(error)}`, 'error');
  }
}

export async function refreshAgents() {
  try {
    const { agents } = await api<{ agents: AgentRow[] }>('/api/agents');
    setState({ agents });
  } catch {
    // optional
  }
}

export async function refreshCanned() {
  try {
    const { canned } = await api<{ canned: CannedResponse[] }>('/api/canned');
    setState({ canned });
  } catch {
    // optional
  }
}

async function loadDetail(id: string) {
  try {
    const detail = await api<ConversationDetail>(`/api/conversations/${encodeURIComponent(id)}`);
    setState((s) => ({ details: { ...s.details, [id]: detail } }));
  } catch {
    // sidebar shows what it has
  }
}

async function loadConversation(id: string) {
  try {
    const res = await request<{ conversation: Conversation; messages: Message[] }>('conversation:join', {
      conversationId: id,
    });
    setState((s) => {
      const pending = (s.messages[id] ?? []).filter(
        (m) => m.delivery && m.delivery !== 'sent' && !res.messages.some((r) => r.clientId === m.clientId),
      );
      return {
        messages: { ...s.messages, [id]: [...res.messages, ...pending] },
        items: { ...s.items, [id]: res.conversation },
        summaries: {
          ...s.summaries,
          [id]: { ...summaryFromLoaded(res.messages, s.summaries[id]), unread: 0, fresh: false },
        },
      };
    });
  } catch (error) {
    toast(`Could not open the conversation: ${errorText(error)}`, 'error');
  }
  void loadDetail(id);
}

// ---------------------------------------------------------------- actions

export function openConversation(id: string | null, push = true) {
  const previous = state.activeId;
  if (previous && previous !== id && socket?.connected) {
    const prev = state.items[previous];
    // Stay subscribed only where the server would not tell us anyway.
    if (prev && prev.agentId !== state.me?.id)
      socket.emit('conversation:leave', { conversationId: previous }, () => {});
  }
  setState((s) => ({
    activeId: id,
    transferOpen: false,
    detailsOpen: false,
    composerMode: 'reply',
    summaries:
      id && s.summaries[id] ? { ...s.summaries, [id]: { ...s.summaries[id]!, unread: 0, fresh: false } } : s.summaries,
  }));
  if (push) navigate(id ? `/inbox/${id}` : '/inbox');
  if (id) void loadConversation(id);
}

document.addEventListener('visibilitychange', () => {
  const id = state.activeId;
  if (document.visibilityState === 'visible' && id && state.summaries[id]?.unread)
    patchSummary(id, () => ({ unread: 0, fresh: false }));
});

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

export async function sendMessage(conversationId: string, text: string, internal: boolean, clientId = newClientId()) {
  const me = state.me;
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
    delivery: 'sending',
  };
  setState((s) => {
    const list = (s.messages[conversationId] ?? []).filter((m) => m.clientId !== clientId);
    return { messages: { ...s.messages, [conversationId]: [...list, optimistic] } };
  });
  try {
    const { message } = await request<{ message: Message }>('message:send', {
      conversationId,
      clientId,
      text,
      internal,
    });
    applyMessage({ ...message });
    setState((s) => ({
      messages: {
        ...s.messages,
        [conversationId]: (s.messages[conversationId] ?? [])
          .filter((m) => m.id !== optimistic.id)
          .map((m) => (m.clientId === clientId ? { ...m, delivery: 'sent' as const } : m)),
      },
    }));
  } catch (error) {
    setState((s) => ({
      messages: {
        ...s.messages,
        [conversationId]: (s.messages[conversationId] ?? []).map((m) =>
          m.id === optimistic.id ? { ...m, delivery: 'failed' as const } : m,
        ),
      },
    }));
    toast(`Message not sent: ${errorText(error)}`, 'error');
  }
}

export function retryMessage(message: ChatMessage) {
  if (message.clientId) void sendMessage(message.conversationId, message.text, message.internal, message.clientId);
}

let typingTimer: ReturnType<typeof setTimeout> | null = null;
let typingFor: string | null = null;
export function agentTyping(conversationId: string, typing: boolean) {
  if (!socket?.connected) return;
  if (typing) {
    if (typingFor !== conversationId) socket.emit('typing', { conversationId, typing: true }, () => {});
    typingFor = conversationId;
    if (typingTimer) clearTimeout(typingTimer);
    typingTimer = setTimeout(() => agentTyping(conversationId, false), 3000);
  } else if (typingFor) {
    socket.emit('typing', { conversationId: typingFor, typing: false }, () => {});
    typingFor = null;
    if (typingTimer) clearTimeout(typingTimer);
  }
}

export async function acceptConversation(id: string) {
  try {
    const { conversation } = await request<{ conversation: Conversation }>('conversation:accept', {
      conversationId: id,
    });
    upsertConversation(conversation);
    if (state.activeId !== id) openConversation(id);
    else void loadConversation(id);
    setState({ tab: 'mine' });
  } catch (error) {
    toast(`Could not accept: ${errorText(error)}`, 'error');
  }
}

export async function transferConversation(id: string, toAgentId: string | null, note: string) {
  const payload: { conversationId: string; toAgentId?: string; note?: string } = { conversationId: id };
  if (toAgentId) payload.toAgentId = toAgentId;
  if (note.trim()) payload.note = note.trim();
  const { conversation } = await request<{ conversation: Conversation }>('conversation:transfer', payload);
  upsertConversation(conversation);
  const target = toAgentId ? state.agents.find((a) => a.id === toAgentId)?.name : null;
  toast(target ? `Transferred to ${target}` : 'Sent back to the queue');
  setState({ transferOpen: false });
  void loadConversation(id);
}

/** Blocks the visitor (by visitor and address, on this site): closes the chat and disconnects them. */
export async function blockVisitor(id: string, reason: string) {
  await api(`/api/conversations/${encodeURIComponent(id)}/block`, {
    body: reason.trim() ? { reason: reason.trim() } : {},
  });
  toast('Visitor blocked — the conversation is closed');
  setState({ blockOpen: false });
  void loadConversation(id);
}

export async function closeConversation(id: string) {
  try {
    const { conversation } = await request<{ conversation: Conversation }>('conversation:close', {
      conversationId: id,
    });
    upsertConversation(conversation);
    toast('Conversation closed');
  } catch (error) {
    toast(`Could not close: ${errorText(error)}`, 'error');
  }
}

// ---------------------------------------------------------------- session

export async function login(email: string, password: string) {
  const res = await api<{ token: string; agent: Agent }>('/api/auth/login', { body: { email, password } });
  setToken(res.token);
  await start(res.agent);
}

async function start(me: Agent) {
  sortedOnce = false;
  setState({ ...initial, me, booting: false, tab: 'mine' });
  connectSocket(getToken()!);
  void refreshAgents();
  void refreshCanned();
}

export async function boot() {
  whenUnauthorized(() => void logout(false, SESSION_ENDED));
  if (!getToken()) return setState({ booting: false });
  try {
    const { agent } = await api<{ agent: Agent }>('/api/me');
    await start(agent);
  } catch {
    setToken(null);
    setState({ booting: false });
  }
}

/** What the login form says after the server ended a session (expired, or revoked elsewhere). */
const SESSION_ENDED = 'Your session has ended. Please sign in again.';

/** Signs out; `reason` is shown on the login form when the server, not the agent, ended the session. */
export async function logout(callServer = true, reason: string | null = null) {
  if (callServer) await api('/api/auth/logout', { method: 'POST' }).catch(() => {});
  socket?.disconnect();
  socket = null;
  setToken(null);
  setState({ ...initial, booting: false, signedOut: reason });
  navigate('/inbox');
}

// ---------------------------------------------------------------- routing (under /console/)

const BASE = '/console';
type RouteListener = () => void;
const routeListeners = new Set<RouteListener>();

export function currentPath(): string {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname;
  return path === '' || path === '/' ? '/inbox' : path;
}

export function navigate(path: string) {
  const target = `${BASE}${path}`;
  if (location.pathname !== target) history.pushState(null, '', target);
  for (const l of routeListeners) l();
}

export function useRoute(): string {
  const [, force] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    const l = () => force(undefined);
    routeListeners.add(l);
    window.addEventListener('popstate', l);
    return () => {
      routeListeners.delete(l);
      window.removeEventListener('popstate', l);
    };
  }, []);
  return currentPath();
}
