/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The Mothership server serves dist/ from "/" with an SPA fallback; in development
// the Vite server forwards everything that is not the portal to a local server.
const backend = 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  // The portal runs under a strict Content-Security-Policy (no inline script or style). Mantine
  // writes its CSS variables and responsive rules into <style> elements at run time, so the
  // server puts a fresh nonce where this placeholder is (src/api/static_site.cpp) and allows
  // that nonce for styles; Vite writes it into a <meta property="csp-nonce"> for Mantine
  // (src/app/providers.tsx) and onto its own tags. Must match csp_nonce_placeholder there.
  html: { cspNonce: 'MOTHERSHIP_CSP_NONCE' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    rollupOptions: {
      output: {
        // Vendor code changes less often than ours: separate chunks cache better.
        manualChunks(id) {
          if (!id.includes('node_modules')) return undefined;
          if (/node_modules\/(@mantine\/charts|recharts|recharts-scale|victory-vendor|d3-[^/]+|react-smooth)\//.test(id))
            return 'charts';
          if (id.includes('@mantine')) return 'mantine';
          if (/node_modules\/(react|react-dom|scheduler|react-router)\//.test(id)) return 'react';
          return 'vendor';
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/.well-known': { target: backend, changeOrigin: false },
      '/healthz': { target: backend, changeOrigin: false },
      '/metrics': { target: backend, changeOrigin: false },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/testing/setup-tests.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    restoreMocks: true,
  },
});
