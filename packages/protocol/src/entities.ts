export { LIMITS } from './limits.js';

export const AUTHORS = ['visitor', 'agent', 'system'] as const;
export const CONVERSATION_STATUSES = ['queued', 'assigned', 'closed'] as const;
export const AGENT_STATUSES = ['online', 'away'] as const;
export const ROLES = ['agent', 'supervisor', 'admin'] as const;

export type Author = (typeof AUTHORS)[number];
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];
export type AgentStatus = (typeof AGENT_STATUSES)[number];
export type Role = (typeof ROLES)[number];

/**
 * A file sent with a message. `type` is the MIME type decided from the bytes; `url` and `thumbnailUrl` are
 * paths on the server (resolve with `new URL(url, serverOrigin)`) carrying a short-lived signature.
 * `width`, `height` and `thumbnailUrl` are present for images only.
 */
export type Attachment = {
  id: string;
  name: string;
  type: string;
  size: number;
  url: string;
  width?: number;
  height?: number;
  thumbnailUrl?: string;
};

export type Message = {
  id: string;
  conversationId: string;
  seq: number;
  clientId: string | null;
  author: Author;
  authorName: string | null;
  text: string;
  internal: boolean;
  createdAt: string;
  /** Always present; `[]` when the message has none. */
  attachments: Attachment[];
};

export type Conversation = {
  id: string;
  siteId: string;
  visitorId: string;
  status: ConversationStatus;
  agentId: string | null;
  agentName: string | null;
  createdAt: string;
  updatedAt: string;
  lastSeq: number;
  /** Extensions beyond the contract's floor. */
  visitorName?: string | null;
  /**
   * Delivery receipts: the highest seq each party has seen (a message delivered to a connected widget or
   * console counts as seen), and when. A message is seen by the other party when its seq ≤ their seq.
   */
  visitorSeenSeq?: number;
  visitorSeenAt?: string | null;
  agentSeenSeq?: number;
  agentSeenAt?: string | null;
  rating?: number | null;
  closedAt?: string | null;
};

export type Agent = {
  id: string;
  email: string;
  name: string;
  role: Role;
  maxChats: number;
  active: boolean;
  createdAt: string;
  /** Email the agent when a chat is assigned to them while they are offline (their profile; default true). */
  emailNotifications?: boolean;
};

/**
 * The file types a site may accept as attachments (decided from the bytes): images, PDF, plain text and
 * office documents. A site's `uploadTypes` picks among them; all of them when it is not set.
 */
export const UPLOAD_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
] as const;
export type UploadType = (typeof UPLOAD_TYPES)[number];

export const WEEK_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekDay = (typeof WEEK_DAYS)[number];
/** Local wall-clock times `HH:MM`; `end` may be `24:00` and is exclusive. */
export type OpeningRange = { start: string; end: string };
/**
 * When a site answers: an IANA timezone, opening ranges per weekday (several per day), and holidays as
 * whole local days (`YYYY-MM-DD`). A site without `hours` is always open.
 */
export type BusinessHours = {
  timezone: string;
  weekly: Record<WeekDay, OpeningRange[]>;
  holidays: string[];
};

export type SiteSettings = {
  color: string;
  position: 'right' | 'left';
  greeting: string;
  preChat: boolean;
  locale?: string | undefined;
  /** The attachment types visitors of the site may upload; every UPLOAD_TYPES entry when absent. */
  uploadTypes?: UploadType[] | undefined;
  /** Business hours; absent: always open. */
  hours?: BusinessHours | undefined;
};

export type Site = {
  id: string;
  key: string;
  name: string;
  allowedOrigins: string[];
  settings: SiteSettings;
  createdAt: string;
};

/** Public part of a site, served to the widget. */
export type PublicSiteConfig = SiteSettings & {
  key: string;
  name: string;
  agentsOnline: boolean;
  /** Inside business hours now (always true for a site without hours). */
  open: boolean;
  /** ISO 8601 instant of the next opening; null when open now or never opening. */
  nextOpenAt: string | null;
};

export type PageContext = {
  url?: string | undefined;
  title?: string | undefined;
  referrer?: string | undefined;
  locale?: string | undefined;
  userAgent?: string | undefined;
};

/**
 * Visitor fields the site vouches for: `userId` (a valid userHash, or an identity token's `sub`), and `name`
 * and `email` when an identity token carries them as claims. Anything else the visitor typed is their word.
 */
export const VERIFIABLE_FIELDS = ['userId', 'name', 'email'] as const;
export type VerifiedField = (typeof VERIFIABLE_FIELDS)[number];

/** The visitor as `GET /api/conversations/:id` describes it to agents. */
export type VisitorProfile = {
  id: string;
  name: string | null;
  email: string | null;
  userId: string | null;
  /** True when `userId` is verified (kept for older consoles; see verifiedFields). */
  verified: boolean;
  /** Exactly the fields the site's signature covers; show only these as verified. */
  verifiedFields: VerifiedField[];
  context: PageContext;
  createdAt: string;
  lastSeenAt: string;
};

export type ErrorCode =
  | 'invalid_payload'
  | 'unknown_site'
  | 'origin_not_allowed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'too_many_attempts'
  | 'invalid_credentials'
  | 'conversation_closed'
  | 'not_assigned'
  | 'agent_unavailable'
  | 'payload_too_large'
  | 'unsupported_type'
  | 'unavailable'
  | 'blocked'
  | 'internal';

export type ErrorBody = { code: ErrorCode; message: string };
export type AckError = { ok: false; error: ErrorBody };
export type Ack<T extends object = object> = ({ ok: true } & T) | AckError;
export type AckFn<T extends object = object> = (res: Ack<T>) => void;

/** A saved reply agents insert with `/shortcut` in the console. */
export type CannedResponse = {
  id: string;
  shortcut: string;
  text: string;
  createdAt: string;
};

/** GET /api/stats: one period, computed in SQL. Durations are seconds; null when there is no data. */
export type PeriodStats = {
  from: string;
  to: string;
  conversations: number;
  closed: number;
  firstResponse: { median: number | null; p90: number | null; count: number };
  handleTime: { median: number | null; count: number };
  wait: { median: number | null; count: number };
  csat: { mean: number | null; count: number; distribution: [number, number, number, number, number] };
  /** Conversations started per UTC day of the period. */
  daily: { day: string; conversations: number; closed: number }[];
  agents: {
    agentId: string;
    name: string;
    conversations: number;
    closed: number;
    firstResponseMedian: number | null;
    handleTimeMedian: number | null;
    csatMean: number | null;
    rated: number;
  }[];
};

/** GET /api/stats/live: the floor right now. */
export type LiveStats = {
  queueLength: number;
  oldestQueuedAt: string | null;
  longestWaitSeconds: number;
  assigned: number;
  agents: {
    id: string;
    name: string;
    role: Role;
    status: AgentStatus | 'offline';
    load: number;
    maxChats: number;
  }[];
  at: string;
};

/** A moderation block: a visitor id and/or an IP address refused on one site (GET /api/blocks). */
export type VisitorBlock = {
  id: string;
  siteId: string;
  visitorId: string | null;
  ip: string | null;
  reason: string | null;
  conversationId: string | null;
  createdBy: string | null;
  createdByName: string | null;
  createdAt: string;
};

/** Supervisors and admins see every conversation and may act on any of them. */
export const isSupervisor = (agent: { role: Role } | null | undefined): boolean =>
  agent?.role === 'supervisor' || agent?.role === 'admin';
