import { describe, expect, it } from 'vitest';
import { attachStrings } from './attach-strings';
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

    it(`${locale}: the attachments chunk has every string of en, with the same placeholders`, () => {
      const attach = attachStrings[locale]!;
      expect(Object.keys(attach).sort()).toEqual(Object.keys(attachStrings.en!).sort());
      for (const [key, value] of Object.entries(attach)) {
        expect(value.trim(), `${locale}.${key}`).not.toBe('');
        expect(placeholders(value), `${locale}.${key}`).toEqual(
          placeholders(attachStrings.en![key as keyof typeof attach]),
        );
      }
    });
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

describe('format', () => {
  it('fills placeholders and leaves unknown ones', () => {
    expect(format('{name} is typing…', { name: 'Alex' })).toBe('Alex is typing…');
    expect(format('{n} of {max}', { n: 3 })).toBe('3 of {max}');
  });
});
