import { defineConfig } from 'vite'

// The client is built into dist/, which the AppView serves at /.
export default defineConfig({
  root: import.meta.dirname,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    // the app, and the compact player other sites frame
    rollupOptions: { input: { index: 'index.html', embed: 'embed.html' } },
  },
})
