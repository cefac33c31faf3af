#!/usr/bin/env node
// Measures the widget's gzip sizes against its budget. `node scripts/size.mjs [distDir]` (default: dist).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const BUDGET = { loader: 3 * 1024, afterOpen: 30 * 1024 };

const gz = (file) => gzipSync(readFileSync(file)).length;

/**
 * loader: widget.js. afterOpen: what opening the chat downloads — the app entry, every chunk it imports,
 * and the largest locale (a visitor loads exactly one).
 */
export function measure(dir) {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'app-manifest.json'), 'utf8'));
  const entries = Object.entries(manifest);
  const app = entries.find(([, c]) => c.isEntry && c.name === 'app');
  if (!app) throw new Error(`no app entry in ${dir}/app-manifest.json`);
  const appFiles = new Set();
  const visit = (key) => {
    const chunk = manifest[key];
    if (!chunk || appFiles.has(chunk.file)) return;
    appFiles.add(chunk.file);
    for (const dep of chunk.imports ?? []) visit(dep);
  };
  visit(app[0]);
  const locales = entries
    .filter(([, c]) => c.isEntry && c.name?.startsWith('locale-'))
    .map(([, c]) => ({ file: c.file, gzip: gz(path.join(dir, c.file)) }))
    .sort((a, b) => b.gzip - a.gzip);
  const files = [...appFiles].map((file) => ({ file, gzip: gz(path.join(dir, file)) }));
  const loader = { file: 'widget.js', gzip: gz(path.join(dir, 'widget.js')) };
  const afterOpen = files.reduce((sum, f) => sum + f.gzip, 0) + (locales[0]?.gzip ?? 0);
  return { loader, app: files, locales, afterOpen, budget: BUDGET };
}

export function report(m) {
  const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
  const rows = [
    ['loader widget.js', m.loader.gzip, BUDGET.loader],
    ...m.app.map((f) => [`  app ${f.file}`, f.gzip, null]),
    ...m.locales.map((f, i) => [`  locale ${f.file}${i === 0 ? ' (largest, counted)' : ''}`, f.gzip, null]),
    ['after opening (app + largest locale)', m.afterOpen, BUDGET.afterOpen],
  ];
  return rows
    .map(([name, size, budget]) => `${name.padEnd(48)} ${kb(size).padStart(10)}${budget ? `  / ${kb(budget)}` : ''}`)
    .join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const dir = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '../dist'));
  const m = measure(dir);
  console.log(report(m));
  if (m.loader.gzip > BUDGET.loader || m.afterOpen > BUDGET.afterOpen) {
    console.error('over budget');
    process.exit(1);
  }
}
