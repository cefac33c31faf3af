/** Color math for AA contrast: pick readable text for the site's brand color. */

export const DEFAULT_COLOR = '#4f46e5';
export const DARK_TEXT = '#111827';

/** Only a #rrggbb color ever reaches a stylesheet. */
export function normalizeColor(input: string | undefined): string {
  return input && /^#[0-9a-f]{6}$/i.test(input) ? input : DEFAULT_COLOR;
}

/** WCAG relative luminance of a #rrggbb color. */
export function luminance(hex: string): number {
  const n = Number.parseInt(hex.slice(1), 16);
  const c = (v: number) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * c((n >> 16) & 255) + 0.7152 * c((n >> 8) & 255) + 0.0722 * c(n & 255);
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** White or near-black text, whichever contrasts more with the color (white reaches AA up to luminance 0.183). */
export function textOn(color: string): string {
  return contrast(color, '#ffffff') >= contrast(color, DARK_TEXT) ? '#ffffff' : DARK_TEXT;
}
