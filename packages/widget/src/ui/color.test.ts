import { describe, expect, it } from 'vitest';
import { contrast, DARK_TEXT, DEFAULT_COLOR, normalizeColor, textOn } from './color';

describe('brand color', () => {
  it('only lets #rrggbb reach a stylesheet', () => {
    expect(normalizeColor('#FF8800')).toBe('#FF8800');
    for (const bad of [undefined, '', 'red', '#fff', '#12345g', '#000000;}body{display:none', 'url(x)']) {
      expect(normalizeColor(bad)).toBe(DEFAULT_COLOR);
    }
  });

  it('computes WCAG contrast', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });

  it('picks whichever text color contrasts more', () => {
    for (let i = 0; i < 4096; i += 7) {
      const color = `#${[i >> 8, (i >> 4) & 15, i & 15].map((n) => (n * 17).toString(16).padStart(2, '0')).join('')}`;
      const picked = textOn(color);
      const other = picked === '#ffffff' ? DARK_TEXT : '#ffffff';
      expect(contrast(color, picked)).toBeGreaterThanOrEqual(contrast(color, other) - 0.05);
    }
  });

  it('reaches AA (4.5:1) on typical brand colors', () => {
    for (const color of [DEFAULT_COLOR, '#0b57d0', '#e11d48', '#16a34a', '#facc15', '#0ea5e9', '#111827', '#ffffff']) {
      expect(contrast(color, textOn(color))).toBeGreaterThanOrEqual(4.5);
    }
  });
});
