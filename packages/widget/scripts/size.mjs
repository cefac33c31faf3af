#!/usr/bin/env node
// The widget's bytes on the wire against its budget, for each encoding the server sends.
//   node scripts/size.mjs [distDir]      the exact files the server sends (the build's .br/.gz variants)
//   node scripts/size.mjs http://host    fetched from a running server, counted as received
import { existsSync, readFileSync, statSync } from 'node:fs';
import { get } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * loader: widget.js. afterOpen: all a visitor has downloaded once the chat is open (loader + app + one locale).
 * lazy: each part fetched on first use only (a dynamic import: attachments, rating), with what it needs
 * beyond the app.
 */
export const BUDGET = { loader: 3 * 1024, afterOpen: 30 * 1024, lazy: 8 * 1024 };
/** Content-Encoding → the suffix of the build's pre-compressed variant (scripts/precompress.mjs). */
export const ENCODINGS = { br: '.br', gzip: '.gz' };

/**
 * What opening the chat downloads: the app entry and every chunk it imports, and the locales (one is loaded);
 * and, by name, what each lazily imported chunk adds to that when it is first used.
 */
function widgetFiles(manifest) {
  const entries = Object.entries(manifest);
  const app = entries.find(([, c]) => c.isEntry && c.name === 'app');
  if (!app) throw new Error('no app entry in app-manifest.json');
  const withImports = (key, files, skip = new Set()) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file) || skip.has(chunk.file)) return files;
    files.add(chunk.file);
    for (const dep of chunk.imports ?? []) withImports(dep, files, skip);
    return files;
  };
  const appFiles = withImports(app[0], new Set());
  const locales = entries.filter(([, c]) => c.isEntry && c.name?.startsWith('locale-')).map(([, c]) => c.file);
  const lazy = Object.fromEntries(
    entries.filter(([, c]) => c.isDynamicEntry).map(([key, c]) => [c.name, [...withImports(key, new Set(), appFiles)]]),
  );
  return { app: [...appFiles], locales, lazy };
}

/** Sizes per file → the budgeted figures; the largest locale is the one counted. */
async function tally(files, sizeOf) {
  const sized = (list) => Promise.all(list.map(async (file) => ({ file, ...(await sizeOf(file)) })));
  const [loader] = await sized(['widget.js']);
  const app = await sized(files.app);
  const locales = (await sized(files.locales)).sort((a, b) => b.bytes - a.bytes);
  const afterOpen = loader.bytes + app.reduce((sum, f) => sum + f.bytes, 0) + (locales[0]?.bytes ?? 0);
  const lazy = {};
  for (const [name, list] of Object.entries(files.lazy)) {
    const chunkFiles = await sized(list);
    lazy[name] = { files: chunkFiles, bytes: chunkFiles.reduce((sum, f) => sum + f.bytes, 0) };
  }
  return { loader, app, locales, afterOpen, lazy };
}

/** From a build output: per encoding, the size of the variant the server sends for it (the file itself if none). */
export async function measure(dir) {
  const files = widgetFiles(JSON.parse(readFileSync(path.join(dir, 'app-manifest.json'), 'utf8')));
  const result = {};
  for (const [encoding, suffix] of Object.entries(ENCODINGS)) {
    result[encoding] = await tally(files, (file) => {
      const variant = path.join(dir, file + suffix);
      return existsSync(variant)
        ? { bytes: statSync(variant).size, encoding }
        : { bytes: statSync(path.join(dir, file)).size, encoding: 'identity' };
    });
  }
  return result;
}

/** GETs `url` asking for `encoding`; the body's bytes as received (nothing decoded) and its Content-Encoding. */
export function fetchRaw(url, encoding) {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'accept-encoding': encoding } }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`GET ${url}: ${res.statusCode}`));
        else resolve({ body: Buffer.concat(chunks), encoding: res.headers['content-encoding'] ?? 'identity' });
      });
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** From a running server (`http://host:port`): per encoding, the bytes it sends for each file. */
export async function measureServed(baseUrl) {
  const manifest = await fetchRaw(`${baseUrl}/widget/app-manifest.json`, 'identity');
  const files = widgetFiles(JSON.parse(manifest.body.toString('utf8')));
  const result = {};
  for (const encoding of Object.keys(ENCODINGS)) {
    result[encoding] = await tally(files, async (file) => {
      const res = await fetchRaw(`${baseUrl}/${file === 'widget.js' ? '' : 'widget/'}${file}`, encoding);
      return { bytes: res.body.length, encoding: res.encoding };
    });
  }
  return result;
}

export function withinBudget(m) {
  return Object.values(m).every(
    (e) =>
      e.loader.bytes <= BUDGET.loader &&
      e.afterOpen <= BUDGET.afterOpen &&
      Object.values(e.lazy).every((l) => l.bytes <= BUDGET.lazy),
  );
}

export function report(m) {
  const rows = [];
  for (const [encoding, e] of Object.entries(m)) {
    rows.push(
      [`${encoding}: loader ${e.loader.file}`, e.loader, BUDGET.loader],
      ...e.app.map((f) => [`  app ${f.file}`, f, null]),
      ...e.locales.map((f, i) => [`  locale ${f.file}${i === 0 ? ' (largest, counted)' : ''}`, f, null]),
      [`${encoding}: loader + app + largest locale`, { bytes: e.afterOpen }, BUDGET.afterOpen],
      ...Object.entries(e.lazy).flatMap(([name, l]) => [
        ...l.files.map((f) => [`  ${name} ${f.file}`, f, null]),
        [`${encoding}: ${name}, on first use`, { bytes: l.bytes }, BUDGET.lazy],
      ]),
    );
  }
  return rows
    .map(
      ([name, f, budget]) =>
        `${name.padEnd(52)} ${String(f.bytes).padStart(7)} B${f.encoding ? ` ${f.encoding.padEnd(8)}` : ' '.repeat(9)}${budget ? ` / ${budget} B` : ''}`,
    )
    .join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const target = process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '../dist');
  const m = /^https?:/.test(target)
    ? await measureServed(target.replace(/\/$/, ''))
    : await measure(path.resolve(target));
  console.log(report(m));
  if (!withinBudget(m)) {
    console.error('over budget');
    process.exit(1);
  }
}
