/*
 * Limits shared by every client and the server. Each is also its own constant so the widget's bundler can
 * inline the few it uses (a property of the LIMITS object would ship the whole object to visitors).
 */
export const TEXT_MAX = 5000;
export const NAME_MAX = 120;
export const EMAIL_MAX = 254;
export const COMMENT_MAX = 2000;
export const CLIENT_ID_MAX = 64;
export const NOTE_MAX = 2000;
export const URL_MAX = 2048;
export const TITLE_MAX = 300;
export const PREVIEW_MAX = 500;
/** A compact identity JWT (`Parley('identify', {token})`). */
export const IDENTITY_TOKEN_MAX = 2048;
export const GREETING_MAX = 500;
export const BLOCK_REASON_MAX = 500;
export const SHORTCUT_MAX = 32;
/** The most attachments one message may carry. */
export const ATTACHMENTS_MAX = 10;
/** The most chats one agent may be given at once (`maxChats`). */
export const MAX_CHATS_MAX = 50;

export const LIMITS = {
  textMax: TEXT_MAX,
  nameMax: NAME_MAX,
  emailMax: EMAIL_MAX,
  commentMax: COMMENT_MAX,
  clientIdMax: CLIENT_ID_MAX,
  noteMax: NOTE_MAX,
  urlMax: URL_MAX,
  titleMax: TITLE_MAX,
  previewMax: PREVIEW_MAX,
  identityTokenMax: IDENTITY_TOKEN_MAX,
  greetingMax: GREETING_MAX,
  blockReasonMax: BLOCK_REASON_MAX,
  shortcutMax: SHORTCUT_MAX,
  maxChatsMax: MAX_CHATS_MAX,
  attachmentsMax: ATTACHMENTS_MAX,
} as const;
