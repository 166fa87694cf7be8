/// <reference types="vitest/config" />
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
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

// Compressed copies of the bundle (issue 15.8): NAME.br and NAME.gz beside
// every text file of at least 1 KiB, kept only where they save a tenth or
// more. The server embeds them and answers by Accept-Encoding (server/wiring/spa.go),
// so nothing is compressed per request.
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|webmanifest)$/;
export function precompress(): Plugin {
  return {
    name: 'tenantadmin:precompress',
    apply: 'build',
    writeBundle(options) {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => {
          const path = join(dir, name);
          return statSync(path).isDirectory() ? walk(path) : [path];
        });
      for (const file of walk(options.dir ?? '')) {
        if (!COMPRESSIBLE.test(file)) continue;
        const source = readFileSync(file);
        if (source.length < 1024) continue;
        const br = brotliCompressSync(source, {
          params: { [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: source.length },
        });
        const gz = gzipSync(source, { level: 9 });
        if (br.length <= source.length * 0.9) writeFileSync(`${file}.br`, br);
        if (gz.length <= source.length * 0.9) writeFileSync(`${file}.gz`, gz);
      }
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
    plugins: [react(), keepGitkeep(), precompress()],
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: false,
      rolldownOptions: {
        output: {
          // The libraries in a chunk of their own: it changes less often than
          // the app, so browsers keep it across most releases.
          codeSplitting: { groups: [{ name: 'vendor', test: /node_modules[\\/](?!uqr[\\/])/ }] },
        },
      },
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
