import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { precompress } from '../../scripts/precompress.mjs';

/** Build 2 of 2: widget.js, a classic (IIFE) script that the host page includes with <script src>. */
const outDir = process.env.PARLEY_WIDGET_OUT_DIR ?? 'dist';
const manifestPath = path.resolve(fileURLToPath(new URL('.', import.meta.url)), outDir, 'app-manifest.json');

type Manifest = Record<string, { file: string; name?: string; isEntry?: boolean }>;

/** Entry name → file, e.g. { app: 'app-3f2a.js', 'locale-en': 'locale-en-9b1c.js' }. */
function entryFiles(): Record<string, string> {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const files: Record<string, string> = {};
  for (const chunk of Object.values(manifest)) if (chunk.isEntry && chunk.name) files[chunk.name] = chunk.file;
  if (!files.app) throw new Error('run the app build first: dist/app-manifest.json has no app entry');
  return files;
}

const files = entryFiles();
const locales = Object.fromEntries(
  Object.entries(files)
    .filter(([name]) => name.startsWith('locale-'))
    .map(([name, file]) => [name.slice('locale-'.length), file]),
);

export default defineConfig({
  // compresses widget.js, and whatever build 1 left uncompressed
  plugins: [precompress()],
  define: { __PARLEY_APP__: JSON.stringify(files.app), __PARLEY_LOCALES__: JSON.stringify(locales) },
  build: {
    outDir,
    emptyOutDir: false,
    target: 'es2020',
    copyPublicDir: false,
    lib: {
      entry: 'src/loader.ts',
      formats: ['iife'],
      name: 'ParleyLoader',
      fileName: () => 'widget.js',
    },
  },
});
