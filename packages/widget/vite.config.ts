import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';
import { precompress } from '../../scripts/precompress.mjs';

const LOCALES = ['en', 'es', 'de', 'fr', 'ar'];

/**
 * engine.io-client registers WebTransport among its default transports, so it is bundled even when unused.
 * The widget only uses WebSocket (first) and HTTP long-polling (fallback): swap the registry for one without it.
 */
function withoutWebTransport(): Plugin {
  return {
    name: 'parley:without-webtransport',
    enforce: 'pre',
    load(id) {
      if (!/engine\.io-client[\\/]build[\\/]esm[\\/]transports[\\/]index\.js$/.test(id)) return null;
      return [
        "import { XHR } from './polling-xhr.js';",
        "import { WS } from './websocket.js';",
        'export const transports = { websocket: WS, polling: XHR };',
      ].join('\n');
    },
  };
}

/**
 * Vite wraps every dynamic import() in a preload helper (vitejs/vite#13952) that injects <link> tags into the
 * page's <head> and dispatches `vite:preloadError` on the page's window, even with `modulePreload: false`.
 * The widget needs neither (chunks import their own dependencies): its helper just calls the import.
 */
function withoutPreloadHelper(): Plugin {
  return {
    name: 'parley:without-preload-helper',
    enforce: 'pre',
    load(id) {
      return id === '\0vite/preload-helper.js' ? 'export const __vitePreload = (load) => load();' : null;
    },
  };
}

/**
 * Build 1 of 2: the chat app chunk(s), loaded by widget.js with import() from `<server>/widget/`.
 * Chunks import each other with relative URLs, so they work from whatever origin serves them.
 * Every locale is an entry of its own; the loader imports the app and the visitor's locale in parallel.
 * Build 2 (vite.loader.config.ts) produces widget.js itself and learns the file names from the manifest.
 */
export default defineConfig({
  plugins: [
    preact({ devToolsEnabled: false, prefreshEnabled: false }),
    withoutWebTransport(),
    withoutPreloadHelper(),
    precompress(),
  ],
  build: {
    outDir: process.env.PARLEY_WIDGET_OUT_DIR ?? 'dist',
    emptyOutDir: true,
    // no <link rel=modulepreload> injected into the host page's <head>
    modulePreload: false,
    manifest: 'app-manifest.json',
    copyPublicDir: false,
    rolldownOptions: {
      input: {
        app: 'src/app/main.tsx',
        ...Object.fromEntries(LOCALES.map((l) => [`locale-${l}`, `src/i18n/locales/${l}.ts`])),
      },
      // keep `mount` exported: this chunk is an ES module consumed by the loader. It may export more: what the
      // lazy attachments chunk shares with it (a strict signature would split the app into a facade + a chunk)
      preserveEntrySignatures: 'allow-extension',
      output: {
        entryFileNames: '[name]-[hash].js',
        chunkFileNames: '[name]-[hash].js',
      },
    },
  },
});
