import type { Agent, Conversation, Message } from '@parley/protocol';
import { isSupervisor } from '@parley/protocol/entities';
import type { Logger } from '../logger.js';
import { publicConversation } from '../store/rows.js';
import type { Store } from '../store/store.js';
import { refuse } from './errors.js';

/** Tells the agents of a conversation that the visitor's seen seq rose (the console shows "Seen"). */
export type SeenNotifier = { visitorSeen(conversation: Conversation): void };

/** Whether the visitor has at least one connected widget, on any process. */
export type VisitorOnline = (visitorId: string) => Promise<boolean>;

/** Background delivery checks running at once; further replies wait for the next check of their conversation. */
const MAX_CHECKS = 200;
/** Replies found delivered are recorded together, one statement per this many ms (not one per reply). */
const FLUSH_MS = 200;

/**
 * Delivery receipts: how far each party has seen a conversation. The visitor has seen an agent reply once
 * the widget said so (`messages:seen`) or once it was delivered as `message:new` to a connected widget;
 * the agents' side once a console that may answer the conversation said so. Seqs only rise, never past
 * the conversation's last message; a receipt that changes nothing is dropped silently.
 */
export class Receipts {
  /** conversationId → the highest agent reply waiting for a delivery check (one check per conversation). */
  readonly #pending = new Map<string, { visitorId: string; seq: number }>();
  #running = 0;
  /** conversationId → the highest agent reply found delivered, waiting for the next flush. */
  #delivered = new Map<string, number>();
  #flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly notifier: SeenNotifier,
    private readonly visitorOnline: VisitorOnline,
    private readonly log: Logger,
  ) {}

  /** The widget showed the visitor's open conversation up to `seq`. Refused `not_found` without one. */
  async visitorSeen(visitorId: string, seq: number): Promise<void> {
    const open = await this.store.conversations.openForVisitor(visitorId);
    if (!open) throw refuse('not_found', 'no open conversation');
    await this.markVisitorSeen(open.id, seq, visitorId);
  }

  /** A console showed the conversation up to `seq`: its assigned agent, or a supervisor. */
  async agentSeen(agent: Agent, conversationId: string, seq: number): Promise<void> {
    const conversation = await this.store.conversations.byId(conversationId);
    if (!conversation) throw refuse('not_found', 'no such conversation');
    if (conversation.agentId !== agent.id && !isSupervisor(agent))
      throw refuse('not_assigned', 'only the assigned agent or a supervisor marks a conversation seen');
    await this.store.conversations.markAgentSeen(conversationId, seq);
  }

  /** Raises the visitor's seen seq; tells the agents only when it actually rose. True when it rose. */
  async markVisitorSeen(conversationId: string, seq: number, visitorId?: string): Promise<boolean> {
    const updated = await this.store.conversations.markVisitorSeen(conversationId, seq, visitorId ? { visitorId } : {});
    if (updated) this.notifier.visitorSeen(publicConversation(updated));
    return updated !== null;
  }

  /**
   * An agent reply went out as `message:new` to the visitor's room: if a widget is connected (on any
   * process), it counts as seen. Runs in the background, off the sender's path, coalesced per
   * conversation and bounded in number; a failed check leaves the receipt to the widget.
   */
  delivered(message: Pick<Message, 'conversationId' | 'seq'>, visitorId: string): void {
    const waiting = this.#pending.get(message.conversationId);
    if (waiting) {
      waiting.seq = Math.max(waiting.seq, message.seq);
      return;
    }
    if (this.#running >= MAX_CHECKS) return;
    const entry = { visitorId, seq: message.seq };
    this.#pending.set(message.conversationId, entry);
    this.#running++;
    void this.#check(message.conversationId, entry).finally(() => {
      this.#running--;
    });
  }

  async #check(conversationId: string, entry: { visitorId: string; seq: number }): Promise<void> {
    try {
      // replies arriving meanwhile raise entry.seq; they are covered by this check's answer
      const online = await this.visitorOnline(entry.visitorId);
      this.#pending.delete(conversationId);
      if (online) this.#recordDelivered(conversationId, entry.seq);
    } catch (error) {
      this.#pending.delete(conversationId);
      this.log.warn({ err: error, conversationId }, 'delivery receipt not recorded');
    }
  }

  #recordDelivered(conversationId: string, seq: number): void {
    this.#delivered.set(conversationId, Math.max(seq, this.#delivered.get(conversationId) ?? 0));
    this.#flushTimer ??= setTimeout(() => void this.#flush(), FLUSH_MS).unref();
  }

  async #flush(): Promise<void> {
    const seen = this.#delivered;
    this.#delivered = new Map();
    this.#flushTimer = undefined;
    try {
      for (const conversation of await this.store.conversations.markVisitorsSeen(seen))
        this.notifier.visitorSeen(publicConversation(conversation));
    } catch (error) {
      this.log.warn({ err: error, conversations: seen.size }, 'delivery receipts not recorded');
    }
  }
}
