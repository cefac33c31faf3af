import type { Agent, AgentStatus, Attachment, Author, CannedResponse, Conversation, Message } from '@parley/protocol';
import type { AgentWithPresence, ConversationDetail } from '@parley/protocol/rest';

/** The console's state: one immutable object (state/store.ts), changed by reducers (state/reducers.ts). */

export type Tab = 'queue' | 'mine' | 'all' | 'closed';
export type Delivery = 'sending' | 'sent' | 'failed';
export type ChatMessage = Message & { delivery?: Delivery };

/** A file attached in a conversation's composer, from the moment it is picked until its message is sent. */
export type Upload = {
  /** Local: the same file keeps its key through a retry. */
  key: string;
  conversationId: string;
  name: string;
  size: number;
  /** A small `data:` picture of an image (the console's CSP allows `data:` images, not `blob:`). */
  preview: string | null;
  status: 'uploading' | 'done' | 'failed';
  /** How much of the file has gone up, 0 to 1. */
  progress: number;
  /** What the server stored, once done. */
  attachment: Attachment | null;
  /** Why the last try failed. */
  error: string | null;
};

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
  agents: AgentWithPresence[];
  canned: CannedResponse[];
  activeId: string | null;
  tab: Tab;
  toasts: Toast[];
  helpOpen: boolean;
  transferOpen: boolean;
  blockOpen: boolean;
  composerMode: 'reply' | 'note';
  /** Files attached in the composers, every conversation's, in the order they were picked. */
  uploads: Upload[];
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

export const initialState: State = {
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
  uploads: [],
  detailsOpen: false,
  shownOrder: [],
  signedOut: null,
  closedCursor: null,
};

export const EMPTY_SUMMARY: Summary = {
  preview: null,
  previewAuthor: null,
  previewAuthorName: null,
  lastAt: null,
  waitingSince: null,
  unread: 0,
  fresh: false,
  seq: 0,
};
