import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** Builds the command centre into web/dist, which `gridloop serve` serves at `/`. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // maplibre-gl alone is about 1 MB minified; the page is one screen and loads it once.
    chunkSizeWarningLimit: 1600,
  },
  server: {
    // `npx vite --config web/vite.config.ts` against a running `gridloop serve` on the default port.
    proxy: { '/api': 'http://127.0.0.1:8080', '/health': 'http://127.0.0.1:8080' },
  },
});
