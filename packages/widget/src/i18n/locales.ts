/**
 * Every user-visible string of the widget. One file per locale in ./locales/, each built as its own chunk:
 * the loader fetches the app and the visitor's locale in parallel, nobody downloads the other languages.
 * `{x}` marks a placeholder.
 */
export type Strings = {
  openChat: string;
  closeChat: string;
  unread: string;
  greeting: string;
  minimize: string;
  online: string;
  offlineShort: string;
  reconnecting: string;
  teamName: string;
  conversationLog: string;
  inputLabel: string;
  placeholder: string;
  attach: string;
  send: string;
  you: string;
  sending: string;
  sent: string;
  failed: string;
  typing: string;
  joined: string;
  offlineNotice: string;
  emailLabel: string;
  emailSaved: string;
  save: string;
  preChatTitle: string;
  nameLabel: string;
  startChat: string;
  endChat: string;
  endConfirm: string;
  ended: string;
  rateTitle: string;
  rateScore: string;
  commentLabel: string;
  submitRating: string;
  thanks: string;
  newConversation: string;
  newMessage: string;
  poweredBy: string;
};

export const SUPPORTED_LOCALES = ['en', 'es', 'de', 'fr', 'ar'] as const;

export function isRtl(locale: string): boolean {
  return locale === 'ar';
}

/** Replaces `{key}` placeholders. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}
