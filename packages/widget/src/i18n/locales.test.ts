import { describe, expect, it } from 'vitest';
import { attachStrings } from './attach-strings';
import { closedStrings, formatOpening } from './closed-strings';
import { emailStrings } from './email-strings';
import { openChatLabel, pickLocale } from './launcher-strings';
import { format, isRtl, type Strings, SUPPORTED_LOCALES } from './locales';
import ar from './locales/ar';
import de from './locales/de';
import en from './locales/en';
import es from './locales/es';
import fr from './locales/fr';

const tables: Record<string, Strings> = { en, es, de, fr, ar };
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('locale table', () => {
  it('has a file for every supported locale and a launcher label for each', () => {
    expect(Object.keys(tables).sort()).toEqual([...SUPPORTED_LOCALES].sort());
    expect(Object.keys(openChatLabel).sort()).toEqual([...SUPPORTED_LOCALES].sort());
    expect(Object.keys(attachStrings).sort()).toEqual([...SUPPORTED_LOCALES].sort());
    expect(Object.keys(closedStrings).sort()).toEqual([...SUPPORTED_LOCALES].sort());
    expect(Object.keys(emailStrings).sort()).toEqual([...SUPPORTED_LOCALES].sort());
  });

  it('the email forms chunk has every string in every locale, translated', () => {
    const keys = Object.keys(emailStrings.en!).sort();
    for (const [locale, table] of Object.entries(emailStrings)) {
      expect(Object.keys(table).sort(), locale).toEqual(keys);
      for (const [key, value] of Object.entries(table)) {
        expect(value.trim(), `${locale}.${key}`).not.toBe('');
        if (locale !== 'en') expect(value, `${locale}.${key}`).not.toBe(emailStrings.en![key as keyof typeof table]);
      }
    }
  });

  for (const [locale, table] of Object.entries(tables)) {
    it(`${locale}: has every key of en, nothing extra, nothing empty, same placeholders`, () => {
      expect(Object.keys(table).sort()).toEqual(Object.keys(en).sort());
      for (const [key, value] of Object.entries(table) as [keyof Strings, string][]) {
        expect(value.trim(), `${locale}.${key}`).not.toBe('');
        expect(placeholders(value), `${locale}.${key}`).toEqual(placeholders(en[key]));
      }
    });

    it(`${locale}: the loader's launcher label matches the app's`, () => {
      expect(openChatLabel[locale]).toBe(table.openChat);
    });

    it.each([
      ['attachments', attachStrings],
      ['closed notice', closedStrings],
    ] as [string, Record<string, Record<string, string>>][])(
      `${locale}: the %s chunk has every string of en, with the same placeholders`,
      (_, table) => {
        const chunk = table[locale]!;
        expect(Object.keys(chunk).sort()).toEqual(Object.keys(table.en!).sort());
        for (const [key, value] of Object.entries(chunk)) {
          expect(value.trim(), `${locale}.${key}`).not.toBe('');
          expect(placeholders(value), `${locale}.${key}`).toEqual(placeholders(table.en![key]!));
        }
      },
    );
  }

  it('is actually translated (not copies of English)', () => {
    for (const locale of ['es', 'de', 'fr', 'ar']) {
      const same = (Object.keys(en) as (keyof Strings)[]).filter((k) => tables[locale]![k] === en[k]);
      expect(same.length, `${locale}: ${same.join(', ')}`).toBeLessThan(4);
    }
  });
});

describe('pickLocale', () => {
  it('prefers the site setting, then the browser, then English', () => {
    expect(pickLocale('de', ['fr-FR'])).toBe('de');
    expect(pickLocale(undefined, ['fr-CA', 'en'])).toBe('fr');
    expect(pickLocale('xx', ['pt-BR', 'es-419'])).toBe('es');
    expect(pickLocale(undefined, ['ja'])).toBe('en');
    expect(pickLocale('AR_eg', [])).toBe('ar');
  });

  it('marks Arabic as right-to-left', () => {
    expect(isRtl('ar')).toBe(true);
    expect(SUPPORTED_LOCALES.filter(isRtl)).toEqual(['ar']);
  });
});

describe('formatOpening', () => {
  const monday9 = '2026-12-07T09:00:00Z';
  const sunday = Date.parse('2026-12-06T12:00:00Z');

  it('names the weekday and time of the next opening in the visitor’s regional format', () => {
    // the runner's timezone is the visitor's: compare with the same Intl call made here
    const hour = new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit' }).format(Date.parse(monday9));
    expect(formatOpening(monday9, 'en', sunday, 'en-US')).toContain(hour);
    expect(formatOpening(monday9, 'en', sunday, 'en-US')).toMatch(/day/);
    expect(formatOpening(monday9, 'en', sunday, 'en-GB')).not.toMatch(/AM|PM/);
    expect(formatOpening(monday9, 'de', sunday, 'en-US')).toMatch(/tag|woch/i); // German weekday, not English
  });

  it('adds the date when the opening is more than six days away', () => {
    expect(formatOpening(monday9, 'en', sunday, 'en-US')).not.toMatch(/December/);
    expect(formatOpening('2026-12-14T09:00:00Z', 'en', sunday, 'en-US')).toMatch(/December 1[34]/);
  });
});

describe('format', () => {
  it('fills placeholders and leaves unknown ones', () => {
    expect(format('{name} is typing…', { name: 'Alex' })).toBe('Alex is typing…');
    expect(format('{n} of {max}', { n: 3 })).toBe('3 of {max}');
  });
});
