import type {
  Ack,
  AckPayload,
  Conversation,
  Message,
  VisitorClientEvents,
  VisitorServerEvents,
  VisitorSession,
} from '@parley/protocol';
import { PREVIEW_MAX, TITLE_MAX, URL_MAX } from '@parley/protocol/limits';
import { io, type Socket } from 'socket.io-client';
import { attachChunk } from '../attach/load';
import type { IdentifyData } from '../shared/bridge';
import { readItem, storageKeys, writeItem } from '../shared/storage';
import type { ChatClientOptions, ChatState } from './chat-state';
import { lastSeq, mergeMessages } from './message-store';
import { isTransient, Outbox, type OutboxAttachment } from './outbox';
import { compact, payloadOf } from './payloads';

/**
 * The visitor's realtime connection: session, conversation, messages and the outbox.
 * UI-agnostic: components subscribe() and read `state`.
 */

type VisitorSocket = Socket<VisitorServerEvents, VisitorClientEvents>;

const ACK_TIMEOUT = 10_000;
const OFFLINE_FAIL_AFTER = 8_000;
const TYPING_THROTTLE = 2_000;
const TYPING_IDLE = 4_000;
/** At most one delivery receipt per this long (the latest seq shown, when it goes). */
const SEEN_THROTTLE = 1_000;
const FATAL_CONNECT_ERRORS = new Set(['unknown_site', 'origin_not_allowed']);

export class ChatClient {
  state: ChatState = {
    status: 'connecting',
    conversation: null,
    messages: [],
    outbox: [],
    agentTyping: null,
    visitor: { name: null, email: null, verified: false },
    ratedConversationIds: [],
  };

  readonly #keys;
  /** Public for the lazily loaded attachments chunk, which records uploads in it (then calls refreshOutbox). */
  readonly outbox: Outbox;
  #socket: VisitorSocket | null = null;
  readonly #listeners = new Set<() => void>();
  readonly #inFlight = new Set<string>();
  #flushing = false;
  #syncing: Promise<void> | null = null;
  #historyLoaded = false;
  #epoch = 0;
  #stopped = false;
  #pendingIdentify: IdentifyData | null = null;
  #pendingUpdate: { name?: string; email?: string } | null = null;
  #typingSentAt = 0;
  #typingIdle: ReturnType<typeof setTimeout> | undefined;
  #agentTypingTimer: ReturnType<typeof setTimeout> | undefined;
  #resume: string | undefined;
  /** The panel shows the conversation: replies received now are seen (main.tsx sets it). */
  #visible = false;
  /** Delivery receipt sent: conversation id and seq; the time it went; a receipt waiting for the throttle. */
  #seen = { id: '', seq: 0, at: 0 };
  #seenTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly options: ChatClientOptions) {
    this.#keys = storageKeys(options.siteKey);
    this.outbox = new Outbox({
      load: () => readItem('session', this.#keys.outbox),
      save: (v) => writeItem('session', this.#keys.outbox, v),
    });
    this.state.outbox = this.outbox.list();
    this.#resume = options.resume;
  }

  subscribe(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  start(): void {
    const { serverOrigin, siteKey } = this.options;
    const socket: VisitorSocket = io(`${serverOrigin}/visitor`, {
      transports: ['websocket', 'polling'],
      // a function, so every (re)connect uses the latest token, also one written by another tab
      // echo: false — this tab learns of its own messages from the acks; its other tabs still get message:new.
      // resume (a magic link) goes with the handshakes until a session arrives
      auth: (cb) =>
        cb({
          siteKey,
          visitorToken: readItem('local', this.#keys.token) ?? undefined,
          echo: false,
          ...(this.#resume ? { resume: this.#resume } : {}),
        }),
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
      timeout: 8000,
    });
    this.#socket = socket;
    socket.on('session', (s) => void this.#onSession(s));
    socket.on('message:new', (m) => this.#receive([m]));
    socket.on('typing', (p) =>
      this.#setAgentTyping(p.typing ? (p.agentName ?? this.state.conversation?.agentName ?? '') : null),
    );
    socket.on('conversation:updated', (c) => this.#onConversation(c));
    socket.on('server:shutdown', () => this.#set({ status: 'offline' }));
    socket.on('server:resync', () => void this.#sync());
    socket.on('disconnect', (reason) => {
      this.#epoch++;
      this.#set({ status: 'offline', agentTyping: null });
      // the server closed us on purpose (shutdown, deploy): socket.io does not retry by itself then
      if (reason === 'io server disconnect' && !this.#stopped) this.#reconnectSoon();
    });
    socket.on('connect_error', (err) => {
      if (FATAL_CONNECT_ERRORS.has(err.message)) {
        console.warn(`[parley] connection refused: ${err.message}`);
        this.#set({ status: 'blocked' });
        return;
      }
      this.#set({ status: 'offline' });
      if (!socket.active && !this.#stopped) this.#reconnectSoon();
    });
    window.addEventListener('storage', this.#onStorage);
    window.addEventListener('online', this.#onOnline);
  }

  stop(forget: boolean): void {
    this.#stopped = true;
    this.#socket?.disconnect();
    this.#socket = null;
    window.removeEventListener('storage', this.#onStorage);
    window.removeEventListener('online', this.#onOnline);
    clearTimeout(this.#typingIdle);
    clearTimeout(this.#agentTypingTimer);
    clearTimeout(this.#seenTimer);
    this.#listeners.clear();
    if (forget) {
      this.outbox.clear();
      for (const key of [this.#keys.token, this.#keys.open, this.#keys.preChat]) writeItem('local', key, null);
    }
  }

  /** Queues a message; its files (described by the attachments chunk, never `[]`) are uploaded when it is its turn. */
  send(text: string, attachments?: OutboxAttachment[]): void {
    const trimmed = text.trim();
    if (!trimmed && !attachments) return;
    this.#stopTyping();
    const item = this.outbox.add(trimmed, attachments);
    this.refreshOutbox();
    setTimeout(() => {
      const still = this.outbox.list().find((i) => i.clientId === item.clientId);
      if (still?.state === 'sending' && !this.#inFlight.has(item.clientId) && !this.#socket?.connected) {
        this.outbox.fail(item.clientId, 'disconnected');
        this.refreshOutbox();
      }
    }, OFFLINE_FAIL_AFTER);
    void this.#flush();
  }

  retry(clientId: string): void {
    this.outbox.retry(clientId);
    this.refreshOutbox();
    if (this.#socket?.connected) void this.#flush();
    else this.#socket?.connect();
  }

  typing(text: string): void {
    const socket = this.#socket;
    if (!socket?.connected) return;
    const now = Date.now();
    if (text && now - this.#typingSentAt > TYPING_THROTTLE) {
      this.#typingSentAt = now;
      socket.volatile.emit('typing', { typing: true, preview: text.slice(0, PREVIEW_MAX) });
    }
    clearTimeout(this.#typingIdle);
    this.#typingIdle = setTimeout(() => this.#stopTyping(), text ? TYPING_IDLE : 0);
  }

  async updateVisitor(data: { name?: string; email?: string }): Promise<boolean> {
    const payload = compact(data);
    if (!payload.name && !payload.email) return true;
    if (!this.#socket?.connected) {
      this.#pendingUpdate = { ...this.#pendingUpdate, ...payload };
      return true;
    }
    const res = await this.#request('visitor:update', payload);
    // a field the site signed is not overwritten: keep showing the signed value
    for (const field of (res?.ok && res.ignored) || []) delete payload[field];
    if (res?.ok) this.#set({ visitor: { ...this.state.visitor, ...payload } });
    return Boolean(res?.ok);
  }

  identify(data: IdentifyData): void {
    if (data.token || (data.userId && data.userHash)) {
      this.#pendingIdentify = data;
      if (this.#socket?.connected) void this.#runIdentify();
    } else {
      void this.updateVisitor({
        ...(data.name ? { name: data.name } : {}),
        ...(data.email ? { email: data.email } : {}),
      });
    }
  }

  async rate(score: number, comment: string): Promise<boolean> {
    const conversation = this.state.conversation;
    if (!conversation) return false;
    const text = comment.trim();
    const res = await this.#request('conversation:rate', {
      conversationId: conversation.id,
      score,
      ...(text ? { comment: text } : {}),
    });
    if (!res?.ok) return false;
    this.#set({ ratedConversationIds: [...this.state.ratedConversationIds, conversation.id] });
    return true;
  }

  /** Ends the conversation; `transcript`: email it to the visitor (who has an email). */
  async closeConversation(transcript?: boolean): Promise<boolean> {
    const conversation = this.state.conversation;
    if (!conversation || conversation.status === 'closed') return false;
    const res = await this.#request('conversation:close', {
      conversationId: conversation.id,
      ...(transcript ? { transcript } : {}),
    });
    if (res?.ok) this.#onConversation(res.conversation ?? { ...conversation, status: 'closed' });
    return Boolean(res?.ok);
  }

  /** The panel opened or closed: while it is open, the replies it shows are reported seen. */
  setVisible(visible: boolean): void {
    this.#visible = visible;
    this.#noteSeen();
  }

  // ---- internals ----

  /**
   * Delivery receipt: the highest seq of a reply (not the visitor's own messages) the open panel shows, at
   * most once per SEEN_THROTTLE, never the same twice.
   */
  #noteSeen(): void {
    const c = this.state.conversation;
    let seq = 0;
    for (const m of this.state.messages) if (m.author !== 'visitor' && m.seq > seq) seq = m.seq;
    if (!this.#visible || !c || c.status === 'closed' || !this.#socket?.connected) return;
    if (c.id === this.#seen.id && seq <= this.#seen.seq) return;
    if (!seq || this.#seenTimer) return;
    const wait = this.#seen.at + SEEN_THROTTLE - Date.now();
    if (wait > 0) {
      this.#seenTimer = setTimeout(() => {
        this.#seenTimer = undefined;
        this.#noteSeen();
      }, wait);
      return;
    }
    this.#seen = { id: c.id, seq, at: Date.now() };
    this.#socket.emit('messages:seen', { seq });
  }

  #onStorage = (e: StorageEvent): void => {
    // another tab got a token first (both opened before any existed): join it while we have nothing
    if (e.key === this.#keys.token && e.newValue && !this.state.conversation && this.#socket?.connected) {
      this.#socket.disconnect().connect();
    }
  };

  #onOnline = (): void => {
    if (this.#socket && !this.#socket.connected && !this.#stopped) this.#socket.connect();
  };

  #reconnectSoon(): void {
    setTimeout(() => !this.#stopped && this.#socket?.connect(), 500 + Math.random() * 2500);
  }

  async #onSession(session: VisitorSession): Promise<void> {
    const epoch = ++this.#epoch;
    this.#applySession(session);
    this.#set({ status: 'online' });
    if (this.#pendingIdentify) await this.#runIdentify();
    if (this.#pendingUpdate) {
      const update = this.#pendingUpdate;
      this.#pendingUpdate = null;
      await this.updateVisitor(update);
    }
    this.#socket?.emit(
      'visitor:context',
      {
        url: location.href.slice(0, URL_MAX),
        title: document.title.slice(0, TITLE_MAX),
        referrer: document.referrer.slice(0, 2048),
        locale: navigator.language.slice(0, 35),
      },
      () => {},
    );
    await this.#sync();
    if (epoch !== this.#epoch) return;
    this.#noteSeen();
    this.outbox.resumeTransient();
    this.refreshOutbox();
    void this.#flush();
  }

  #applySession(session: VisitorSession): void {
    writeItem('local', this.#keys.token, session.visitorToken);
    if (this.#resume) this.#set({ linkExpired: !!session.resumeRefused });
    this.#resume = undefined;
    this.#set({
      visitor: {
        name: session.name ?? this.state.visitor.name,
        email: session.email ?? this.state.visitor.email,
        verified: Boolean(session.verified),
      },
    });
    if (session.conversation) this.#onConversation(session.conversation);
  }

  async #runIdentify(): Promise<void> {
    const data = this.#pendingIdentify;
    if (!data) return;
    this.#pendingIdentify = null;
    const res = await this.#request(
      'visitor:identify',
      data.token
        ? { token: data.token }
        : { userId: data.userId!, userHash: data.userHash!, ...compact({ name: data.name, email: data.email }) },
    );
    if (!res) {
      this.#pendingIdentify = data; // no answer: try again on the next connection
      return;
    }
    if (!res.ok) {
      console.warn(`[parley] identify rejected: ${res.error.code}`);
      return;
    }
    const before = this.state.conversation?.id;
    this.#applySession(res.session);
    if (res.session.conversation?.id !== before) await this.#sync();
  }

  async #sync(): Promise<void> {
    if (this.#syncing) return this.#syncing;
    this.#syncing = this.#syncOnce().finally(() => {
      this.#syncing = null;
    });
    return this.#syncing;
  }

  async #syncOnce(): Promise<void> {
    const after = lastSeq(this.state.messages);
    const known = this.state.conversation?.id;
    const res = await this.#request('messages:sync', { after });
    if (!res?.ok) return;
    if (res.conversation && res.conversation.id !== known) {
      this.#onConversation(res.conversation);
      if (after > 0) return this.#syncOnce();
    }
    this.#receive(res.messages);
    this.#historyLoaded = true;
  }

  #onConversation(c: Conversation): void {
    const current = this.state.conversation;
    if (current && c.id !== current.id) {
      // only move on from a conversation that is over; ignore stale updates of older ones
      if (current.status !== 'closed' && c.status === 'closed') return;
      this.#set({ conversation: c, messages: [], agentTyping: null });
    } else {
      this.#set({ conversation: c });
    }
    writeItem('local', this.#keys.open, c.status === 'closed' ? null : '1');
    if (c.status === 'closed') this.#set({ agentTyping: null });
  }

  #receive(incoming: readonly Message[]): void {
    const visible = incoming.filter((m) => !m.internal);
    if (!visible.length) return;
    const current = this.state.conversation;
    if (current && visible.some((m) => m.conversationId !== current.id)) {
      // a new conversation started (from this tab or another): load it from the server
      if (current.status === 'closed' || visible.every((m) => m.conversationId !== current.id)) {
        this.#set({ conversation: null, messages: [] });
        void this.#sync();
        return;
      }
    }
    if (!current && this.#historyLoaded) void this.#sync(); // first message: learn the new conversation
    const before = new Set(this.state.messages.map((m) => m.id));
    const messages = mergeMessages(this.state.messages, visible);
    if (messages === this.state.messages) return;
    // This tab's own sends are new by definition, even when they land before the history has loaded.
    const sentHere = new Set(this.outbox.list().map((i) => i.clientId));
    const removed = this.outbox.reconcile(visible.map((m) => m.clientId));
    const patch: Partial<ChatState> = { messages };
    if (visible.some((m) => m.author === 'agent')) patch.agentTyping = null;
    if (removed) patch.outbox = this.outbox.list();
    this.#set(patch);
    this.#noteSeen();
    for (const m of messages) {
      const isNew = this.#historyLoaded || (m.clientId !== null && sentHere.has(m.clientId));
      if (isNew && !before.has(m.id)) this.options.onNewMessage?.(m);
    }
  }

  async #flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      while (this.#socket?.connected) {
        const item = this.outbox.next(this.#inFlight);
        if (!item) break;
        this.#inFlight.add(item.clientId);
        // files first (each at most once: an uploaded one keeps its id in the item), then the message itself
        const error =
          item.attachments && (await attachChunk.load().then((m) => (m ? m.upload(this, item) : 'unavailable')));
        const ready = this.outbox.list().find((i) => i.clientId === item.clientId);
        const res = ready && !error ? await this.#request('message:send', payloadOf(ready)) : null;
        this.#inFlight.delete(item.clientId);
        if (!this.outbox.list().some((i) => i.clientId === item.clientId)) continue; // seen via message:new, or canceled
        if (res?.ok) {
          this.outbox.remove(item.clientId);
          this.refreshOutbox();
          this.#receive([res.message]);
        } else {
          const code = error ?? (res ? res.error.code : this.#socket?.connected ? 'timeout' : 'disconnected');
          this.outbox.fail(item.clientId, code);
          this.refreshOutbox();
          if (!res && isTransient(code)) break;
        }
      }
    } finally {
      this.#flushing = false;
    }
  }

  #stopTyping(): void {
    clearTimeout(this.#typingIdle);
    if (this.#typingSentAt && this.#socket?.connected) this.#socket.volatile.emit('typing', { typing: false });
    this.#typingSentAt = 0;
  }

  #setAgentTyping(name: string | null): void {
    clearTimeout(this.#agentTypingTimer);
    if (name !== null) this.#agentTypingTimer = setTimeout(() => this.#set({ agentTyping: null }), 8000);
    this.#set({ agentTyping: name });
  }

  /** Emits with an acknowledgement; resolves to null on timeout or when not connected. */
  async #request<E extends keyof VisitorClientEvents>(
    event: E,
    payload: Parameters<VisitorClientEvents[E]>[0],
  ): Promise<Ack<AckPayload<VisitorClientEvents, E>> | null> {
    const socket = this.#socket;
    if (!socket?.connected) return null;
    try {
      // biome-ignore lint/suspicious/noExplicitAny: socket.io's typed emitWithAck cannot follow a generic event name
      return (await (socket.timeout(ACK_TIMEOUT) as any).emitWithAck(event, payload)) as Ack<
        AckPayload<VisitorClientEvents, E>
      >;
    } catch {
      return null;
    }
  }

  refreshOutbox(): void {
    this.#set({ outbox: this.outbox.list() });
  }

  #set(patch: Partial<ChatState>): void {
    this.state = { ...this.state, ...patch };
    for (const fn of this.#listeners) fn();
  }
}
