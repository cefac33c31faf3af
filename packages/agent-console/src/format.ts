/** Small formatting helpers shared by the views. */

/** "42s", "5m", "2h 5m", "3d" */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60 ? `${s % 60}s` : ''}`.trim();
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60 ? `${m % 60}m` : ''}`.trim();
  return `${Math.floor(h / 24)}d ${h % 24 ? `${h % 24}h` : ''}`.trim();
}

/** Compact "time since" for lists: "now", "4m", "2h", "3d". */
export function since(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '';
  const s = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (s < 45) return 'now';
  if (s < 3600) return `${Math.round(s / 60)}m`;
  if (s < 86_400) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

export function dayLabel(iso: string): string {
  const d = new Date(iso);
  const today = new Date();
  const yesterday = new Date(Date.now() - 86_400_000);
  if (d.toDateString() === today.toDateString()) return 'Today';
  if (d.toDateString() === yesterday.toDateString()) return 'Yesterday';
  return d.toLocaleDateString(undefined, { weekday: 'short', month: 'short', day: 'numeric' });
}

export function shortDate(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { month: 'short', day: 'numeric', year: 'numeric' });
}

export function initials(name: string | null | undefined): string {
  const parts = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '?';
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase();
}

/** A stable hue per id, for avatars (rendered as SVG fill, never as an inline style). */
export function avatarColor(seed: string): string {
  let h = 0;
  for (let i = 0; i < seed.length; i++) h = (h * 31 + seed.charCodeAt(i)) >>> 0;
  const palette = ['#6366f1', '#0ea5e9', '#14b8a6', '#f59e0b', '#ec4899', '#8b5cf6', '#10b981', '#ef4444', '#64748b'];
  return palette[h % palette.length]!;
}

export function visitorLabel(c: { visitorName?: string | null | undefined; visitorId: string }): string {
  return c.visitorName?.trim() || `Visitor ${c.visitorId.slice(0, 4).toUpperCase()}`;
}

/** Browser and OS from a user-agent string (enough for a sidebar, not for sniffing). */
export function parseUserAgent(ua: string | undefined | null): { browser: string; os: string } | null {
  if (!ua) return null;
  const version = (re: RegExp) => re.exec(ua)?.[1]?.split('.')[0] ?? '';
  let browser = 'Unknown browser';
  if (/Edg\//.test(ua)) browser = `Edge ${version(/Edg\/([\d.]+)/)}`;
  else if (/OPR\//.test(ua)) browser = `Opera ${version(/OPR\/([\d.]+)/)}`;
  else if (/SamsungBrowser\//.test(ua)) browser = `Samsung Internet ${version(/SamsungBrowser\/([\d.]+)/)}`;
  else if (/Firefox\//.test(ua)) browser = `Firefox ${version(/Firefox\/([\d.]+)/)}`;
  else if (/CriOS\//.test(ua)) browser = `Chrome ${version(/CriOS\/([\d.]+)/)}`;
  else if (/Chrom(e|ium)\//.test(ua))
    browser = `${/Chromium/.test(ua) ? 'Chromium' : 'Chrome'} ${version(/Chrom(?:e|ium)\/([\d.]+)/)}`;
  else if (/Safari\//.test(ua) && /Version\//.test(ua)) browser = `Safari ${version(/Version\/([\d.]+)/)}`;
  else if (/node|axios|curl/i.test(ua)) browser = ua.split(/[\s/]/)[0] ?? browser;
  let os = 'Unknown OS';
  if (/iPhone|iPad|iPod/.test(ua)) os = `iOS ${(/OS (\d+)[_\d]*/.exec(ua)?.[1] ?? '').trim()}`;
  else if (/Android/.test(ua)) os = `Android ${/Android ([\d.]+)/.exec(ua)?.[1]?.split('.')[0] ?? ''}`;
  else if (/Windows NT 10/.test(ua)) os = 'Windows 10/11';
  else if (/Windows NT/.test(ua)) os = 'Windows';
  else if (/CrOS/.test(ua)) os = 'ChromeOS';
  else if (/Mac OS X/.test(ua)) os = 'macOS';
  else if (/Linux/.test(ua)) os = 'Linux';
  return { browser: browser.trim(), os: os.trim() };
}

export function hostOf(url: string | undefined): string {
  if (!url) return '';
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** A file's size for people: "512 B", "14 KB", "2.4 MB" (1 KB = 1024 bytes, as file managers count). */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const kb = bytes / 1024;
  if (kb < 1024) return `${Math.round(kb)} KB`;
  const mb = kb / 1024;
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
}
