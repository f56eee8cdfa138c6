// The web UI's build: a static bundle in dist/ui that `argo server` serves at its base href.
// Asset URLs are relative (base './') and resolve against the <base href> the server writes into
// index.html, so one build works at `/` and under any --base-href.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
    // The build is small; a loaded machine (CI) should not print a slow-plugin notice on every build.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});
