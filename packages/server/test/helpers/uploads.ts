import type { Attachment } from '@parley/protocol';

/** Clients of `POST /api/uploads` and the file URLs it hands out, for the attachment suites. */

export type Uploader = { visitorToken: string; siteKey: string } | { token: string };

export const authHeaders = (who: Uploader): Record<string, string> =>
  'token' in who ? { authorization: `Bearer ${who.token}` } : { authorization: `Visitor ${who.visitorToken}` };

/** A real multipart request, built by FormData; `declared` is the type the client claims. */
export async function upload(base: string, who: Uploader, bytes: Uint8Array, name: string, declared = '') {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: declared }), name);
  const query = 'siteKey' in who ? `?siteKey=${encodeURIComponent(who.siteKey)}` : '';
  const res = await fetch(`${base}/api/uploads${query}`, { method: 'POST', body: form, headers: authHeaders(who) });
  const body = (await res.json()) as { attachment: Attachment; error: { code: string } };
  return { status: res.status, body };
}

/** Uploads and expects 201. */
export async function uploaded(base: string, who: Uploader, bytes: Uint8Array, name: string): Promise<Attachment> {
  const res = await upload(base, who, bytes, name);
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.attachment;
}

/** Fetches a file URL (relative to `base`); the bytes and the headers. */
export async function download(base: string, url: string, headers: Record<string, string> = {}) {
  const res = await fetch(new URL(url, base), { headers });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** The URL without its signature: what someone who guessed or kept only the path has. */
export const unsigned = (url: string) => url.split('?')[0]!;

export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n' +
    'trailer<</Root 1 0 R>>\n%%EOF\n',
);
