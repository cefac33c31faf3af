import { schemas } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { isEmail } from './EmailField';

/** The widget refuses exactly the addresses the server would refuse (visitor:update answers invalid_payload). */
describe('isEmail', () => {
  const samples = [
    'name@example.com',
    '  spaced@example.org  ',
    'first.last+tag@sub.example.co.uk',
    "o'brien@example.ie",
    'not-an-email',
    'a@b',
    'a@b.c',
    '@example.com',
    'name@',
    'name@@example.com',
    'na me@example.com',
    '.lead@example.com',
    'two..dots@example.com',
    'name@-bad.com',
    'name@example.com.',
    '',
  ];
  it.each(samples)('agrees with the server on %j', (value) => {
    const server = schemas.visitorUpdate.safeParse({ email: value }).success;
    expect(isEmail(value)).toBe(server);
  });
  it('takes a plain address and refuses an obvious non-address', () => {
    expect(isEmail('name@example.com')).toBe(true);
    expect(isEmail('not-an-email')).toBe(false);
  });
});
