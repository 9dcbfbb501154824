import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** Builds the command centre and /transparency.html into web/dist, which `gridloop serve` serves at `/`. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // maplibre-gl alone is about 1 MB minified; the page is one screen and loads it once.
    chunkSizeWarningLimit: 1600,
    // Two pages: the command centre and the public transparency page (no map, no sign-in).
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('index.html', import.meta.url)),
        transparency: fileURLToPath(new URL('transparency.html', import.meta.url)),
      },
    },
  },
  server: {
    // `npx vite --config web/vite.config.ts` against a running `gridloop serve` on the default port.
    proxy: { '/api': 'http://127.0.0.1:8080', '/health': 'http://127.0.0.1:8080' },
  },
});
