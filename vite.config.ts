import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Builds the renderer into dist/renderer; the same files serve the Electron app
// (app://outpost) and browser mode (http://127.0.0.1:<port>).
export default defineConfig({
  root: 'renderer',
  base: '/',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: false,
    // No inline scripts: the CSP is script-src 'self'.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
