import type { Agent, Attachment, Conversation, Message, Site, SiteSettings } from '@parley/protocol';
import type { Row } from './sql.js';

/** Row → API object mappers. The database speaks snake_case; the API speaks the protocol's types. */

export function iso(value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

function isoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : iso(value);
}

function str(value: unknown): string {
  return String(value);
}

function strOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

export const DEFAULT_SITE_SETTINGS: SiteSettings = {
  color: '#4f46e5',
  position: 'right',
  greeting: 'Hi there! How can we help?',
  preChat: false,
};

function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export function toSite(row: Row): Site {
  return {
    id: str(row.id),
    key: str(row.key),
    name: str(row.name),
    allowedOrigins: (row.allowed_origins as string[]) ?? [],
    settings: { ...DEFAULT_SITE_SETTINGS, ...json<Partial<SiteSettings>>(row.settings ?? {}) },
    createdAt: iso(row.created_at),
  };
}

export function toAgent(row: Row): Agent {
  return {
    id: str(row.id),
    email: str(row.email),
    name: str(row.name),
    role: row.role as Agent['role'],
    maxChats: Number(row.max_chats),
    active: Boolean(row.active),
    createdAt: iso(row.created_at),
    emailNotifications: row.email_notifications !== false,
  };
}

/** Columns every conversation query selects (aliases: c = conversations, a = agents, v = visitors). */
export const CONVERSATION_COLUMNS = `c.id, c.site_id, c.visitor_id, c.status, c.agent_id, a.name as agent_name,
  c.created_at, c.updated_at, c.last_seq, c.closed_at, c.rating, c.queued_at, c.first_response_at,
  c.previous_agent_id, v.name as visitor_name, c.visitor_seen_seq, c.visitor_seen_at, c.agent_seen_seq,
  c.agent_seen_at`;
export const CONVERSATION_FROM = `conversations c left join agents a on a.id = c.agent_id
  left join visitors v on v.id = c.visitor_id`;

export type ConversationRecord = Conversation & {
  queuedAt: string;
  firstResponseAt: string | null;
  previousAgentId: string | null;
};

export function toConversation(row: Row): ConversationRecord {
  return {
    id: str(row.id),
    siteId: str(row.site_id),
    visitorId: str(row.visitor_id),
    status: row.status as Conversation['status'],
    agentId: strOrNull(row.agent_id),
    agentName: strOrNull(row.agent_name),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    lastSeq: Number(row.last_seq),
    visitorName: strOrNull(row.visitor_name),
    visitorSeenSeq: Number(row.visitor_seen_seq ?? 0),
    visitorSeenAt: isoOrNull(row.visitor_seen_at),
    agentSeenSeq: Number(row.agent_seen_seq ?? 0),
    agentSeenAt: isoOrNull(row.agent_seen_at),
    rating: row.rating === null || row.rating === undefined ? null : Number(row.rating),
    closedAt: isoOrNull(row.closed_at),
    queuedAt: iso(row.queued_at),
    firstResponseAt: isoOrNull(row.first_response_at),
    previousAgentId: strOrNull(row.previous_agent_id),
  };
}

/** The public shape: drops server-only fields. */
export function publicConversation(record: ConversationRecord): Conversation {
  const { queuedAt: _q, firstResponseAt: _f, previousAgentId: _p, ...conversation } = record;
  return conversation;
}

export function toMessage(row: Row): Message {
  return {
    id: str(row.id),
    conversationId: str(row.conversation_id),
    seq: Number(row.seq),
    clientId: strOrNull(row.client_id),
    author: row.author as Message['author'],
    authorName: strOrNull(row.author_name),
    text: str(row.text),
    internal: Boolean(row.internal),
    createdAt: iso(row.created_at),
    attachments: [],
  };
}

/** Where an attachment's bytes are served; the edge adds a signature (domain/attachment-urls.ts). */
export const attachmentPath = (id: string) => `/api/uploads/${encodeURIComponent(id)}`;
export const thumbnailPath = (id: string) => `${attachmentPath(id)}/thumbnail`;

/** An attachment row (id, name, type, size, width, height, thumbnail_blob_id) with unsigned paths. */
export function toAttachment(row: Row): Attachment {
  const id = str(row.id);
  const attachment: Attachment = {
    id,
    name: str(row.name),
    type: str(row.type),
    size: Number(row.size),
    url: attachmentPath(id),
  };
  if (row.width != null && row.height != null) {
    attachment.width = Number(row.width);
    attachment.height = Number(row.height);
  }
  if (row.thumbnail_blob_id != null) attachment.thumbnailUrl = thumbnailPath(id);
  return attachment;
}
