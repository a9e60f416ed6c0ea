// The renderer's build. `base: './'` makes every asset URL relative, so the same dist/renderer loads from the
// headless host's http:// origin and from Electron's app:// protocol alike.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { CSP_NONCE_PLACEHOLDER } from './main/host/csp';

export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [react()],
  // Nonce attributes and a <meta property="csp-nonce"> with a placeholder the servers replace per response
  // (main/host/csp.ts); antd reads it for the <style> elements it injects (renderer/app/csp-nonce.ts).
  html: { cspNonce: CSP_NONCE_PLACEHOLDER },
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
