import { z } from 'zod';
import { isTimezone } from './business-hours.js';
import { AGENT_STATUSES, LIMITS, ROLES, UPLOAD_TYPES, WEEK_DAYS } from './entities.js';

/** Zod schemas for every client→server payload. The server validates at the edge with these. */

const id = z.string().min(1).max(64);
const clientId = z.string().min(1).max(LIMITS.clientIdMax);
const name = z.string().trim().min(1).max(LIMITS.nameMax);
const email = z.string().trim().max(LIMITS.emailMax).pipe(z.email());
const seq = z.number().int().min(0).max(2_147_483_647);

/** A UTF-16 surrogate without its partner: UTF-8 cannot encode it (nor PostgreSQL text hold it, nor NUL). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** A handshake credential: bounded, and free of what the store would choke on (so it answers a 4xx code). */
const credential = (max: number, min = 1) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine(
      (value) => !value.includes('\u0000') && !LONE_SURROGATE.test(value),
      'must not hold NUL or a lone surrogate',
    );

// ---- /visitor ----
export const visitorAuth = z.object({
  siteKey: credential(64),
  visitorToken: credential(512, 0).optional(), // empty: none (a new visitor starts)
  /**
   * false: this connection does not get `message:new` for messages it sent itself (the ack carries them);
   * the visitor's other tabs still do. Default true (every socket of the visitor gets every message).
   */
  echo: z.boolean().optional().catch(undefined),
  /** A magic link's token (emails): the session becomes that link's visitor, on this new device too. */
  resume: credential(1024).optional(),
});

export const pageContext = z.object({
  url: z.string().max(LIMITS.urlMax).optional(),
  title: z.string().max(LIMITS.titleMax).optional(),
  referrer: z.string().max(LIMITS.urlMax).optional(),
  locale: z.string().max(35).optional(),
});

/** Attachment ids from `POST /api/uploads`: distinct, at most LIMITS.attachmentsMax. */
const attachmentIds = z
  .array(id)
  .max(LIMITS.attachmentsMax)
  .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an attachment');
/** A message's text may be empty (or left out) only when it carries attachments. */
const messageText = z.string().trim().max(LIMITS.textMax).optional();
const hasContent = (m: { text?: string | undefined; attachments?: string[] | undefined }) =>
  (m.text ?? '').length > 0 || (m.attachments?.length ?? 0) > 0;
const EMPTY_MESSAGE = { path: ['text'], message: 'must not be empty unless attachments are sent' };

export const visitorMessageSend = z
  .object({ clientId, text: messageText, attachments: attachmentIds.optional() })
  .refine(hasContent, EMPTY_MESSAGE);
export const messagesSync = z.object({ after: seq.optional() });
export const visitorTyping = z.object({
  typing: z.boolean(),
  preview: z.string().max(LIMITS.previewMax).optional(),
});
export const conversationRate = z.object({
  conversationId: id,
  score: z.number().int().min(1).max(5),
  comment: z.string().trim().max(LIMITS.commentMax).optional(),
});
export const conversationRef = z.object({ conversationId: id });
/** The visitor closes; `transcript: true` asks for the conversation by email (to the visitor's email). */
export const visitorConversationClose = z.object({ conversationId: id, transcript: z.boolean().optional() });
/** Delivery receipt: everything up to `seq` reached the visitor's screen (their open conversation). */
export const visitorMessagesSeen = z.object({ seq });
export const visitorUpdate = z.object({
  name: name.optional(),
  email: email.optional(),
});
export const visitorContext = pageContext;
const userId = credential(128);
/**
 * Legacy identify: `userHash` = hex HMAC-SHA256(site identity secret, userId). It signs the userId only:
 * `name` and `email` are the visitor's word, stored unverified.
 */
export const visitorIdentifyHash = z.object({
  userId,
  userHash: credential(128),
  name: name.optional(),
  email: email.optional(),
});
/** Identify with a JWT (HS256, the site's identity secret) whose claims are in `identityClaims`. */
export const visitorIdentifyToken = z.object({
  token: z
    .string()
    .max(LIMITS.identityTokenMax)
    .regex(/^[\w-]+\.[\w-]+\.[\w-]*$/, 'must be a compact JWT (header.payload.signature)'),
});
export const visitorIdentify = z.union([visitorIdentifyToken, visitorIdentifyHash]);
/** The claims of an identity token: `sub` is the site's user id; `name` and `email` are optional. */
export const identityClaims = z.object({ sub: userId, name: name.optional(), email: email.optional() });

// ---- /agent ----
export const agentAuth = z.object({
  token: credential(200),
  /** As in visitorAuth: false = no `message:new` echo of this connection's own messages. */
  echo: z.boolean().optional().catch(undefined),
});
export const agentStatus = z.object({ status: z.enum(AGENT_STATUSES) });
export const agentMessageSend = z
  .object({
    conversationId: id,
    clientId,
    text: messageText,
    internal: z.boolean().optional(),
    attachments: attachmentIds.optional(),
  })
  .refine(hasContent, EMPTY_MESSAGE);
export const conversationTransfer = z.object({
  conversationId: id,
  toAgentId: id.optional(),
  note: z.string().trim().max(LIMITS.noteMax).optional(),
});
export const agentTyping = z.object({ conversationId: id, typing: z.boolean() });
/** Delivery receipt: the agent's console showed the conversation up to `seq`. */
export const agentMessagesSeen = z.object({ conversationId: id, seq });

// ---- HTTP ----
export const loginBody = z.object({
  email: z.string().trim().min(1).max(LIMITS.emailMax),
  password: z.string().min(1).max(1024),
});
/** `POST /api/me/password`: the agent's own change; the new password follows the agent-creation rule. */
export const changePasswordBody = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(8).max(1024),
});

const origin = z
  .string()
  .max(LIMITS.urlMax)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
    } catch {
      return false;
    }
  }, 'must be an origin like https://example.com');

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM (00:00–24:00)');
const openingRange = z
  .strictObject({ start: clockTime, end: clockTime })
  .refine((r) => r.start < r.end, 'start must be before end');
const localDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((day) => !Number.isNaN(Date.parse(`${day}T00:00:00Z`)), 'must be a real date');
/** Business hours: an IANA timezone, up to 6 ranges per weekday, up to 366 holidays (local days). */
export const businessHours = z.strictObject({
  timezone: z.string().min(1).max(64).refine(isTimezone, 'must be an IANA timezone like Europe/Paris'),
  weekly: z.strictObject(
    Object.fromEntries(WEEK_DAYS.map((day) => [day, z.array(openingRange).max(6)])) as Record<
      (typeof WEEK_DAYS)[number],
      z.ZodArray<typeof openingRange>
    >,
  ),
  holidays: z.array(localDay).max(366),
});

/** Strict: an unknown key is refused (a typo must not be dropped silently), as are the bodies below. */
export const siteSettings = z.strictObject({
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/)
    .optional(),
  position: z.enum(['right', 'left']).optional(),
  greeting: z.string().trim().max(LIMITS.greetingMax).optional(),
  preChat: z.boolean().optional(),
  locale: z.string().max(35).optional(),
  uploadTypes: z.array(z.enum(UPLOAD_TYPES)).max(UPLOAD_TYPES.length).optional(),
  /** null removes the hours (always open). */
  hours: businessHours.nullable().optional(),
});

export const createSiteBody = z.strictObject({
  name,
  allowedOrigins: z.array(origin).max(50),
  settings: siteSettings.optional(),
});
export const updateSiteBody = z.strictObject({
  name: name.optional(),
  allowedOrigins: z.array(origin).max(50).optional(),
  settings: siteSettings.optional(),
});

export const createAgentBody = z.object({
  email,
  name,
  password: z.string().min(8).max(1024),
  role: z.enum(ROLES),
  maxChats: z.number().int().min(1).max(LIMITS.maxChatsMax).optional(),
});
export const updateAgentBody = z.object({
  name: name.optional(),
  role: z.enum(ROLES).optional(),
  maxChats: z.number().int().min(1).max(LIMITS.maxChatsMax).optional(),
  active: z.boolean().optional(),
  password: z.string().min(8).max(1024).optional(),
});

/** `PATCH /api/me`: what agents change in their own profile. */
export const updateMeBody = z.strictObject({ emailNotifications: z.boolean().optional() });

/**
 * `POST /api/email/inbound`: an inbound email as a provider's webhook posts it (docs/email.md), with
 * `Authorization: Bearer <PARLEY_INBOUND_WEBHOOK_SECRET>`. Either `raw` (the RFC 5322 message) or the
 * parsed fields; `to` must hold a reply address.
 */
export const inboundEmailBody = z.union([
  z.strictObject({ raw: z.string().min(1).max(15_000_000) }),
  z.strictObject({
    messageId: z.string().min(1).max(998),
    from: z.string().min(1).max(998),
    to: z.array(z.string().min(1).max(998)).min(1).max(50),
    subject: z.string().max(998).optional(),
    text: z.string().max(1_000_000),
    headers: z.record(z.string().max(200), z.string().max(998)).optional(),
  }),
]);

export const listConversationsQuery = z.object({
  status: z.enum(['queued', 'assigned', 'closed', 'open']).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().max(200).optional(),
});

export type VisitorAuth = z.infer<typeof visitorAuth>;
export type VisitorMessageSend = z.infer<typeof visitorMessageSend>;
export type MessagesSync = z.infer<typeof messagesSync>;
export type VisitorTyping = z.infer<typeof visitorTyping>;
export type ConversationRate = z.infer<typeof conversationRate>;
export type ConversationRef = z.infer<typeof conversationRef>;
export type VisitorConversationClose = z.infer<typeof visitorConversationClose>;
export type VisitorMessagesSeen = z.infer<typeof visitorMessagesSeen>;
export type AgentMessagesSeen = z.infer<typeof agentMessagesSeen>;
export type BusinessHoursInput = z.infer<typeof businessHours>;
export type UpdateMeBody = z.infer<typeof updateMeBody>;
export type InboundEmailBody = z.infer<typeof inboundEmailBody>;
export type VisitorUpdate = z.infer<typeof visitorUpdate>;
export type VisitorIdentify = z.infer<typeof visitorIdentify>;
export type IdentityClaims = z.infer<typeof identityClaims>;
export type AgentStatusPayload = z.infer<typeof agentStatus>;
export type AgentMessageSend = z.infer<typeof agentMessageSend>;
export type ConversationTransfer = z.infer<typeof conversationTransfer>;
export type AgentTyping = z.infer<typeof agentTyping>;
export type LoginBody = z.infer<typeof loginBody>;
export type CreateSiteBody = z.infer<typeof createSiteBody>;
export type UpdateSiteBody = z.infer<typeof updateSiteBody>;
export type CreateAgentBody = z.infer<typeof createAgentBody>;
export type UpdateAgentBody = z.infer<typeof updateAgentBody>;
export type SiteSettingsInput = z.infer<typeof siteSettings>;

// ---- Canned responses and stats (console) ----
export const cannedShortcut = z
  .string()
  .trim()
  .min(1)
  .max(LIMITS.shortcutMax)
  .regex(/^[a-z0-9][a-z0-9_-]*$/i, 'letters, digits, - and _ only');
export const createCannedBody = z.object({
  shortcut: cannedShortcut,
  text: z.string().trim().min(1).max(LIMITS.textMax),
});
export const updateCannedBody = z.object({
  shortcut: cannedShortcut.optional(),
  text: z.string().trim().min(1).max(LIMITS.textMax).optional(),
});
const instant = z
  .string()
  .max(40)
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO 8601 date or date-time');
export const statsQuery = z
  .object({ from: instant.optional(), to: instant.optional() })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), 'from must be before to')
  .refine(
    (q) => !q.from || !q.to || Date.parse(q.to) - Date.parse(q.from) <= 400 * 86_400_000,
    'the period may span at most 400 days',
  );

export type CreateCannedBody = z.infer<typeof createCannedBody>;
export type UpdateCannedBody = z.infer<typeof updateCannedBody>;
export type StatsQuery = z.infer<typeof statsQuery>;

// ---- Moderation ----
/** POST /api/conversations/:id/block */
export const blockVisitorBody = z.object({ reason: z.string().trim().max(LIMITS.blockReasonMax).optional() });
export type BlockVisitorBody = z.infer<typeof blockVisitorBody>;

// ---- Widget ----
/** GET /api/widget/config */
export const widgetConfigQuery = z.object({ siteKey: z.string().min(1).max(64) });
