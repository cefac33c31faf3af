/**
 * The words of Parley's emails to visitors, in the widget's locales (packages/widget/src/i18n/locales).
 * `{x}` marks a placeholder. A locale missing here falls back to English.
 */
export type EmailStrings = {
  unseenSubject: string;
  unseenIntro: string;
  openConversation: string;
  linkNote: string;
  replyNote: string;
  transcriptSubject: string;
  transcriptIntro: string;
  you: string;
  agent: string;
  attachment: string;
};

const en: EmailStrings = {
  unseenSubject: 'New reply from {site}',
  unseenIntro: '{site} replied while you were away:',
  openConversation: 'Continue the conversation',
  linkNote: 'This link opens your conversation on any device until {date}. Please do not forward this email.',
  replyNote: 'You can also reply to this email.',
  transcriptSubject: 'Your conversation with {site}',
  transcriptIntro: 'Here is a copy of your conversation with {site}.',
  you: 'You',
  agent: 'Support',
  attachment: 'Attachment: {name}',
};

const es: EmailStrings = {
  unseenSubject: 'Nueva respuesta de {site}',
  unseenIntro: '{site} respondió mientras no estabas:',
  openConversation: 'Continuar la conversación',
  linkNote: 'Este enlace abre tu conversación en cualquier dispositivo hasta el {date}. No reenvíes este correo.',
  replyNote: 'También puedes responder a este correo.',
  transcriptSubject: 'Tu conversación con {site}',
  transcriptIntro: 'Aquí tienes una copia de tu conversación con {site}.',
  you: 'Tú',
  agent: 'Soporte',
  attachment: 'Archivo adjunto: {name}',
};

const de: EmailStrings = {
  unseenSubject: 'Neue Antwort von {site}',
  unseenIntro: '{site} hat geantwortet, während Sie weg waren:',
  openConversation: 'Unterhaltung fortsetzen',
  linkNote:
    'Dieser Link öffnet Ihre Unterhaltung auf jedem Gerät bis {date}. Bitte leiten Sie diese E-Mail nicht weiter.',
  replyNote: 'Sie können auch auf diese E-Mail antworten.',
  transcriptSubject: 'Ihre Unterhaltung mit {site}',
  transcriptIntro: 'Hier ist eine Kopie Ihrer Unterhaltung mit {site}.',
  you: 'Sie',
  agent: 'Support',
  attachment: 'Anhang: {name}',
};

const fr: EmailStrings = {
  unseenSubject: 'Nouvelle réponse de {site}',
  unseenIntro: '{site} vous a répondu pendant votre absence :',
  openConversation: 'Reprendre la conversation',
  linkNote:
    'Ce lien ouvre votre conversation sur n’importe quel appareil jusqu’au {date}. Merci de ne pas transférer cet e-mail.',
  replyNote: 'Vous pouvez aussi répondre à cet e-mail.',
  transcriptSubject: 'Votre conversation avec {site}',
  transcriptIntro: 'Voici une copie de votre conversation avec {site}.',
  you: 'Vous',
  agent: 'Support',
  attachment: 'Pièce jointe : {name}',
};

const ar: EmailStrings = {
  unseenSubject: 'رد جديد من {site}',
  unseenIntro: 'ردّ {site} أثناء غيابك:',
  openConversation: 'متابعة المحادثة',
  linkNote: 'يفتح هذا الرابط محادثتك على أي جهاز حتى {date}. يُرجى عدم إعادة توجيه هذه الرسالة.',
  replyNote: 'يمكنك أيضًا الرد على هذه الرسالة.',
  transcriptSubject: 'محادثتك مع {site}',
  transcriptIntro: 'إليك نسخة من محادثتك مع {site}.',
  you: 'أنت',
  agent: 'الدعم',
  attachment: 'مرفق: {name}',
};

export const EMAIL_STRINGS: Record<string, EmailStrings> = { en, es, de, fr, ar };

/** Right-to-left locales (the HTML part sets dir="rtl"). */
export const isRtl = (locale: string) => locale === 'ar';

/**
 * The email's locale, chosen as the widget chooses its own: the site's locale first, then the visitor's
 * browser language, then English.
 */
export function emailLocale(siteLocale: string | null | undefined, visitorLocale: string | null | undefined): string {
  for (const tag of [siteLocale, visitorLocale]) {
    const base = tag?.toLowerCase().split(/[-_]/)[0];
    if (base && base in EMAIL_STRINGS) return base;
  }
  return 'en';
}

export const emailStrings = (locale: string): EmailStrings => EMAIL_STRINGS[locale] ?? en;

/** Replaces `{key}` placeholders. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m);
}
