import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { precompress } from '../../scripts/precompress.mjs';

// Served by the Parley server at /console/ under a strict CSP: no inline scripts or styles.
export default defineConfig({
  base: '/console/',
  plugins: [preact(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/socket.io': { target: 'http://127.0.0.1:3000', ws: true },
    },
  },
});
