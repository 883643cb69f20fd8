// One entry bundled with its dependencies into one ES module file, as `npm run build` bundles the
// server (dist/src/main.js) and the bench bundles its server process (dist/bench/server-process.js).
// Left out, loaded from node_modules as they are: PGlite (reads its WebAssembly and data files beside
// its own module), pino and its transports (run by file in worker threads), OpenTelemetry (loaded
// only when tracing is configured) and esbuild (a development dependency, called only when running
// from source: the build serves pre-built assets).
import { build } from 'esbuild';

export async function bundleEntry(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    external: ['@electric-sql/pglite', 'pino', 'pino-pretty', 'thread-stream', '@opentelemetry/*', 'esbuild'],
    // CommonJS dependencies bundled into an ES module still call require().
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}
