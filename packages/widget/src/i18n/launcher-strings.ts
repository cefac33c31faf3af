/** The one string the loader needs before the app chunk is loaded: the launcher's label. */
export const openChatLabel: Record<string, string> = {
  en: 'Open chat',
  es: 'Abrir chat',
  de: 'Chat öffnen',
  fr: 'Ouvrir le chat',
  ar: 'افتح المحادثة',
};

/** Picks a supported locale: the site's setting first, then the browser's languages, then English. */
export function pickLocale(siteLocale: string | undefined, browser: readonly string[]): string {
  for (const tag of [siteLocale, ...browser]) {
    const base = tag?.toLowerCase().split(/[-_]/)[0];
    if (base && base in openChatLabel) return base;
  }
  return 'en';
}
