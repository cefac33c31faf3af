import { Transform, type TransformCallback } from 'node:stream';
import { UPLOAD_TYPES } from '@parley/protocol/entities';
import { fileTypeFromBuffer } from 'file-type';
import { refuse } from '../domain/errors.js';

/** A file type refused for uploads (415). */
const unsupported = (message: string) => refuse('unsupported_type', message);

export const PLAIN_TEXT = 'text/plain';

/** Images that are decoded and re-encoded (metadata stripped, polyglots defused) before being stored. */
export const IMAGE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * What a site accepts unless it says otherwise (its `uploadTypes` picks among these): the images above,
 * PDF, plain text and common office documents. SVG and HTML are not in it and cannot be added: no
 * detector here ever answers them (they are text, and markup is refused as text).
 */
export const DEFAULT_UPLOAD_TYPES: ReadonlySet<string> = new Set(UPLOAD_TYPES);

/**
 * Bytes read before deciding a type. file-type needs the first few KB for most formats, but an office
 * document is a zip recognised by its entry names, which may sit further in.
 */
export const TYPE_SAMPLE_BYTES = 64 * 1024;

/**
 * Markup a browser could render or run, looked for in the sample of a text file: the WHATWG sniffing
 * signatures of HTML at the start, and script, SVG or XML anywhere in it. Such a file is refused even
 * though it is text: it may be served with the wrong type by a proxy, or opened by a user.
 */
const LEADING_HTML =
  /^\s*<(?:!doctype\s+html|html|head|body|script|iframe|h1|div|font|table|a|style|title|b|br|p|!--)[\s/>]/i;
const ACTIVE_MARKUP = /<(?:script|svg|iframe|object|embed|html|body|meta|link|form)[\s/>]|<\?xml|<!doctype\s+html/i;

const notText = () => unsupported('the file is neither an allowed type nor plain UTF-8 text');

/** The text of a sample, or null when it is not UTF-8 or holds NUL. A character cut at the end is fine. */
function sampleText(sample: Uint8Array): string | null {
  if (sample.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
  } catch {
    return null;
  }
}

/**
 * The MIME type of a file from its first bytes (up to TYPE_SAMPLE_BYTES), never from its name or a
 * declared type. A file with no magic number is text/plain when the sample is UTF-8 without NUL and
 * without markup; the rest of such a file must then pass a Utf8TextGuard. Refuses what `allowed` lacks.
 */
export async function decideType(sample: Uint8Array, allowed: ReadonlySet<string>): Promise<string> {
  const detected = await fileTypeFromBuffer(sample);
  let type: string;
  if (detected) type = detected.mime;
  else {
    const text = sampleText(sample);
    if (text === null) throw notText();
    if (LEADING_HTML.test(text) || ACTIVE_MARKUP.test(text))
      throw unsupported('HTML, SVG and XML files are not accepted');
    type = PLAIN_TEXT;
  }
  if (!allowed.has(type)) throw unsupported(`files of type ${type} are not accepted here`);
  return type;
}

/** Passes a byte stream through unchanged, failing with `unsupported_type` at the first invalid UTF-8 or NUL. */
export class Utf8TextGuard extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    if (chunk.includes(0)) return done(notText());
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      return done(notText());
    }
    done(null, chunk);
  }

  override _flush(done: TransformCallback) {
    try {
      this.decoder.decode();
      done();
    } catch {
      done(notText());
    }
  }
}
