import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';

/** Files for the attachment suites, and the browser events that hand them to the widget. */

export type TestFile = { name: string; mimeType: string; buffer: Buffer };

/** A small but real PDF (the server decides the type from the bytes) with random binary inside. */
export function samplePdf(name = 'invoice.pdf'): TestFile {
  const head =
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%';
  const buffer = Buffer.concat([Buffer.from(head, 'latin1'), randomBytes(4096), Buffer.from('\n%%EOF\n', 'latin1')]);
  return { name, mimeType: 'application/pdf', buffer };
}

/** A PNG drawn by the browser's canvas (a "screenshot": two colours, so re-encoding keeps it an image). */
export async function drawPng(page: Page, width = 120, height = 80, name = 'screenshot.png'): Promise<TestFile> {
  const dataUrl = await page.evaluate(
    ([w, h]) => {
      const canvas = document.createElement('canvas');
      canvas.width = w;
      canvas.height = h;
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#1d4ed8';
      g.fillRect(0, 0, w, h);
      g.fillStyle = '#facc15';
      g.fillRect(w / 4, h / 4, w / 2, h / 2);
      return canvas.toDataURL('image/png');
    },
    [width, height] as const,
  );
  return { name, mimeType: 'image/png', buffer: Buffer.from(dataUrl.split(',')[1]!, 'base64') };
}

type Serialized = { name: string; mimeType: string; base64: string };
const serialize = (files: TestFile[]): Serialized[] =>
  files.map((f) => ({ name: f.name, mimeType: f.mimeType, base64: f.buffer.toString('base64') }));

/**
 * Dispatches `paste` (on the message box) or `drop` (on the panel, after a `dragover`) inside the widget's
 * shadow root, carrying `files` the way the browser's clipboard or a drag from the desktop does.
 */
export async function handFiles(page: Page, how: 'paste' | 'drop', files: TestFile[]): Promise<void> {
  await page.evaluate(
    ([how, files]) => {
      const root = document.getElementById('parley-root')!.shadowRoot!;
      const data = new DataTransfer();
      for (const f of files) {
        const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
        data.items.add(new File([bytes], f.name, { type: f.mimeType }));
      }
      const init = { bubbles: true, cancelable: true, composed: true };
      if (how === 'paste') {
        root
          .querySelector('[data-parley="input"]')!
          .dispatchEvent(new ClipboardEvent('paste', { ...init, clipboardData: data }));
      } else {
        const panel = root.querySelector('[data-parley="panel"]')!;
        panel.dispatchEvent(new DragEvent('dragover', { ...init, dataTransfer: data }));
        panel.dispatchEvent(new DragEvent('drop', { ...init, dataTransfer: data }));
      }
    },
    [how, serialize(files)] as const,
  );
}
