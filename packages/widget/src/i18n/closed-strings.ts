/**
 * The closed notice's strings (outside the site's business hours), every locale in one table: the notice is
 * a chunk fetched only when needed (app/OfflineNotice.tsx), and five short tables cost less than a second
 * request. `{when}` is the next opening, formatted in the visitor's language and timezone.
 */
export type ClosedStrings = { closedUntil: string; closed: string; leaveEmail: string };

export const closedStrings: Record<string, ClosedStrings> = {
  en: {
    closedUntil: 'We’re closed — back {when}.',
    closed: 'We’re closed right now.',
    leaveEmail: 'Leave your message and your email, and we’ll reply by email.',
  },
  es: {
    closedUntil: 'Estamos cerrados — volvemos el {when}.',
    closed: 'Ahora mismo estamos cerrados.',
    leaveEmail: 'Deja tu mensaje y tu correo electrónico, y te responderemos por correo.',
  },
  de: {
    closedUntil: 'Wir haben geschlossen — zurück am {when}.',
    closed: 'Wir haben gerade geschlossen.',
    leaveEmail: 'Hinterlassen Sie Ihre Nachricht und Ihre E-Mail-Adresse, wir antworten per E-Mail.',
  },
  fr: {
    closedUntil: 'Nous sommes fermés — de retour {when}.',
    closed: 'Nous sommes fermés pour le moment.',
    leaveEmail: 'Laissez votre message et votre e-mail, nous vous répondrons par e-mail.',
  },
  ar: {
    closedUntil: 'نحن مغلقون الآن — نعود {when}.',
    closed: 'نحن مغلقون الآن.',
    leaveEmail: 'اترك رسالتك وبريدك الإلكتروني، وسنرد عليك عبر البريد الإلكتروني.',
  },
};

/** More than this ahead, the next opening names its date too, not just the weekday. */
const WEEKDAY_ONLY_MS = 6 * 86_400_000;

/**
 * "Monday 9:00 AM" (or "Monday, December 28 at 9:00 AM" when more than six days ahead) in the visitor's own
 * timezone; in the browser's own regional variant of the widget's language when it speaks that language.
 */
export function formatOpening(iso: string, locale: string, nowMs: number, browserLocale?: string): string {
  const at = Date.parse(iso);
  const regional = browserLocale?.toLowerCase().split('-')[0] === locale ? browserLocale : locale;
  const far = at - nowMs > WEEKDAY_ONLY_MS;
  return new Intl.DateTimeFormat(regional, {
    weekday: 'long',
    hour: 'numeric',
    minute: '2-digit',
    ...(far ? { month: 'long', day: 'numeric' } : {}),
  }).format(at);
}
