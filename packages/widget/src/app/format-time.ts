const formatters = new Map<string, Intl.DateTimeFormat>();

export function formatTime(iso: string, locale: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  let f = formatters.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' });
    formatters.set(locale, f);
  }
  return f.format(date);
}
