import { describe, expect, it } from 'vitest';
import { linkify, safeHref } from './linkify.js';

describe('linkify', () => {
  it('keeps plain text as one text part', () => {
    expect(linkify('hello <b>world</b>')).toEqual([{ kind: 'text', text: 'hello <b>world</b>' }]);
  });

  it('turns http and https URLs into links and leaves the rest as text', () => {
    expect(linkify('see https://example.com/a?b=1&c=2 and http://x.test')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1&c=2', href: 'https://example.com/a?b=1&c=2' },
      { kind: 'text', text: ' and ' },
      { kind: 'link', text: 'http://x.test', href: 'http://x.test/' },
    ]);
  });

  it('never links other schemes', () => {
    for (const text of [
      'javascript:alert(1)',
      'data:text/html,<script>',
      'vbscript:x',
      'file:///etc/passwd',
      'ftp://x.test',
    ]) {
      expect(linkify(text).every((p) => p.kind === 'text')).toBe(true);
    }
  });

  it('drops trailing punctuation but keeps balanced parentheses', () => {
    expect(linkify('go to https://example.com/docs.')[1]).toMatchObject({ href: 'https://example.com/docs' });
    expect(linkify('(https://example.com/x)')[1]).toMatchObject({ text: 'https://example.com/x' });
    expect(linkify('https://en.wikipedia.org/wiki/Foo_(bar)')[0]).toMatchObject({
      text: 'https://en.wikipedia.org/wiki/Foo_(bar)',
    });
  });

  it('does not let quotes or angle brackets into a link', () => {
    const parts = linkify('https://example.com/"onmouseover="x <img>');
    expect(parts[0]).toMatchObject({ kind: 'link', text: 'https://example.com/' });
    expect(parts.map((p) => p.text).join('')).toBe('https://example.com/"onmouseover="x <img>');
  });

  it('rejects malformed URLs', () => {
    expect(safeHref('https://')).toBeNull();
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('HTTPS://Example.com')).toBe('https://example.com/');
  });

  it('reassembles to the original text', () => {
    const text = 'a https://a.test b http://b.test/c?d, e.';
    expect(
      linkify(text)
        .map((p) => p.text)
        .join(''),
    ).toBe(text);
  });
});
