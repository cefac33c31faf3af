/** Allowed origins typed one per line (or comma-separated), without trailing slashes. */
export function originsFrom(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean);
}
