// `npm run build`: everything `npm start` runs, as plain JavaScript in dist/ (no compiler or bundler
// at run time). dist/ mirrors the repository, so a module's relative paths still find what it reads:
//   dist/src, dist/scripts      the server, the CLI and the scripts, compiled by tsc (tsconfig.build.json)
//   dist/src/main.js            the server's entry, bundled with its dependencies into one file (below)
//   dist/schema.graphql, dist/drizzle   copied as they are
//   dist/src/http/public        the browser assets of the IDE and the views page (bundled by esbuild), and gzipped
//   dist/.build-stamp           when it was built (scripts/ensure-build.mjs compares it with the sources)
// Type-checking is `npm run typecheck`: this only emits (tsc --noCheck), so it takes seconds.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { IDE_ASSETS } from '../src/http/ide.ts';
import { type AssetSource, buildAsset } from '../src/http/static.ts';
import { VIEWS_ASSETS } from '../src/http/views-page.ts';
import { bundleEntry } from './bundle.ts';

const root = new URL('../', import.meta.url);
const dist = new URL('dist/', root);
const at = (path: string, base = root) => new URL(path, base).pathname;

const started = performance.now();
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', at('tsconfig.build.json'), '--noCheck'], { stdio: 'inherit' });

// The server's entry as one file, in place of tsc's dist/src/main.js: a start from the bundle
// loads one module instead of ~1,500, which took about 300 ms of a 1.2 s start-up (docs/reliability.md,
// "Running the build"). It stays one folder below dist/, where src/files.ts finds the files the server
// reads.
await bundleEntry(at('src/main.ts'), at('src/main.js', dist));

cpSync(at('schema.graphql'), at('schema.graphql', dist));
cpSync(at('drizzle/'), at('drizzle/', dist), { recursive: true });

const publicDir = at('src/http/public/', dist);
mkdirSync(publicDir, { recursive: true });
const sources: AssetSource[] = [...Object.values(IDE_ASSETS), ...Object.values(VIEWS_ASSETS)];
await Promise.all(
  sources.map(async (source) => {
    const { body, gzipped } = await buildAsset(source);
    writeFileSync(publicDir + source.file, body);
    writeFileSync(`${publicDir + source.file}.gz`, gzipped);
  }),
);

writeFileSync(at('.build-stamp', dist), `${new Date().toISOString()}\n`);
process.stdout.write(`build: dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
