// The renderer's build. `base: './'` makes every asset URL relative, so the same dist/renderer loads from the
// headless host's http:// origin and from Electron's app:// protocol alike.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // antd + React in one offline bundle is large by design; nothing is fetched over a network.
    chunkSizeWarningLimit: 2500,
    // The CSP forbids inline scripts; keep the module preload polyfill out of index.html.
    modulePreload: { polyfill: false },
  },
  server: { host: '127.0.0.1' },
});
