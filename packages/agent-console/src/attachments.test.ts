import { describe, expect, it } from 'vitest';
import { fileHref, isImage, linkExpiry, thumbSize, uploadFailure } from './attachments.js';

describe('attachments', () => {
  const origin = 'https://chat.example.com';

  it('resolves the server’s file paths against its origin', () => {
    expect(fileHref('/api/uploads/a1?exp=1&sig=ab', origin)).toBe(
      'https://chat.example.com/api/uploads/a1?exp=1&sig=ab',
    );
    expect(fileHref(undefined, origin)).toBeNull();
  });

  it('links nowhere outside the server’s origin', () => {
    expect(fileHref('javascript:alert(1)', origin)).toBeNull();
    expect(fileHref('https://evil.example/x.pdf', origin)).toBeNull();
    expect(fileHref('//evil.example/x.pdf', origin)).toBeNull();
  });

  it('fits thumbnails into a square without enlarging them', () => {
    expect(thumbSize({ width: 1600, height: 900 }, 240)).toEqual({ width: 240, height: 135 });
    expect(thumbSize({ width: 300, height: 1200 }, 240)).toEqual({ width: 60, height: 240 });
    expect(thumbSize({ width: 100, height: 50 }, 240)).toEqual({ width: 100, height: 50 });
    expect(thumbSize({}, 240)).toBeNull();
  });

  it('reads when a signed link expires', () => {
    expect(linkExpiry('/api/uploads/a1?exp=1767225600&sig=ab')).toBe(1_767_225_600_000);
    expect(linkExpiry('/api/uploads/a1?sig=ab&exp=12')).toBe(12_000);
    expect(linkExpiry('/api/uploads/a1')).toBeNull();
    expect(linkExpiry(undefined)).toBeNull();
  });

  it('says why an upload was refused in the agent’s words', () => {
    expect(uploadFailure('payload_too_large', 'the request is larger than 10485760 bytes')).toBe('Too large to send');
    expect(uploadFailure('unsupported_type', 'x')).toBe('This type of file cannot be sent');
    expect(uploadFailure('internal', 'Something broke')).toBe('Something broke');
  });

  it('tells images from other files by their type', () => {
    expect(isImage({ type: 'image/png' })).toBe(true);
    expect(isImage({ type: 'application/pdf' })).toBe(false);
  });
});
