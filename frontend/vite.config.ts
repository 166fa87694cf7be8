/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type ProxyOptions } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// The Go binary embeds frontend/dist (//go:embed all:dist) and git tracks
// frontend/dist/.gitkeep: the build empties the folder, so it writes the
// marker back with the bundle.
function keepGitkeep(): Plugin {
  return {
    name: 'tenantadmin:keep-gitkeep',
    apply: 'build',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: '.gitkeep', source: '' });
    },
  };
}

// `npm run dev` (and `npm run preview` when BACKEND_URL is set) forward the
// GraphQL endpoint, HTTP and WebSocket, and the CSV reports to the Go
// server so that the SPA and the API share one origin, as they do in production.
function graphqlProxy(target: string | undefined): Record<string, ProxyOptions> | undefined {
  if (!target) return undefined;
  return {
    '/graphql': { target, changeOrigin: false, ws: true },
    '/reports': { target, changeOrigin: false },
  };
}

export default defineConfig(({ command, isPreview }) => {
  const devServer = command === 'serve' && !isPreview;
  const backend = process.env.BACKEND_URL ?? (devServer ? 'http://localhost:8080' : undefined);
  return {
    root,
    base: '/',
    // One dependency cache, next to the one node_modules (at the repository root).
    cacheDir: '../node_modules/.vite',
    publicDir: 'public',
    plugins: [react(), keepGitkeep()],
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: false,
    },
    server: { proxy: graphqlProxy(backend) },
    // Without BACKEND_URL the preview has no /graphql (the SPA shows its
    // error states); `{}` stops it from inheriting server.proxy.
    preview: { proxy: graphqlProxy(process.env.BACKEND_URL) ?? {} },
    test: {
      root,
      include: ['src/**/*.test.{ts,tsx}'],
      environment: 'node',
    },
  };
});
