import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { fromRoot, pathFromRoot } from '../files.ts';
import { WARM_UP } from '../observability/http.ts';

// Pages and their assets served by this server (the GraphQL IDE, the views page): everything
// offline, scripts from this origin only, assets content-addressed so they can be cached forever.

const gzip = promisify(gzipCallback);

export interface Asset {
  /** Content-addressed file name (`graphiql.1a2b3c4d5e.js`), so it can be cached forever. */
  file: string;
  type: string;
  body: Buffer;
  gzipped?: Promise<Buffer>;
  etag: string;
}

/**
 * A browser asset of a page: `npm run build` writes `built()` to `file` under dist/src/http/public/,
 * next to the compiled server, which then only reads it. Run from source (`npm run dev`, tests),
 * the server builds it on first use instead (from node_modules, or with esbuild).
 */
export interface AssetSource {
  /** Name in the content-addressed URL (`graphiql` → `graphiql.1a2b3c4d5e.js`). */
  name: string;
  type: string;
  /** File name in the build output. */
  file: string;
  built(): Promise<Buffer>;
}

/** Where the build writes the assets (dist/src/http/public/). */
export const PUBLIC_DIR = fromRoot('src/http/public/');
/** Running compiled (plain node on dist/): assets are read from the build, never built (no esbuild in production). */
export const PREBUILT = import.meta.url.endsWith('.js');

/** A file of the browser code under web/ (`ide/ide.ts`), read when its asset is built. */
export const webFile = (path: string) => pathFromRoot(`web/${path}`);

/**
 * A page's script: its TypeScript entry under web/ bundled by esbuild (a development dependency,
 * so only at build time or when run from source) into one minified browser script.
 */
export async function bundleScript(entry: string): Promise<Buffer> {
  const { build } = await import('esbuild');
  const bundle = await build({
    entryPoints: [webFile(entry)],
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  const code = bundle.outputFiles[0]?.contents;
  if (!code) throw new Error(`the bundle of web/${entry} is empty`);
  return Buffer.from(code);
}

export async function loadAsset(source: AssetSource): Promise<Asset> {
  if (!PREBUILT) return asset(source.name, source.type, await source.built());
  try {
    const [body, gzipped] = await Promise.all([
      readFile(new URL(source.file, PUBLIC_DIR)),
      readFile(new URL(`${source.file}.gz`, PUBLIC_DIR)),
    ]);
    // Compressed by the build too: the first request for an asset costs what a repeat does.
    return { ...asset(source.name, source.type, body), gzipped: Promise.resolve(gzipped) };
  } catch (error) {
    throw new Error(`the pre-built asset ${source.file} is missing from ${PUBLIC_DIR.pathname}: run \`npm run build\``, { cause: error });
  }
}

/** What the build writes for an asset: the file and its gzip encoding. */
export async function buildAsset(source: AssetSource): Promise<{ body: Buffer; gzipped: Buffer }> {
  const body = await source.built();
  return { body, gzipped: await gzip(body) };
}

export function asset(name: string, type: string, body: Buffer): Asset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const extension = type.startsWith('text/css') ? 'css' : 'js';
  return { file: `${name}.${hash}.${extension}`, type, body, etag: `"${hash}"` };
}

/** Serve assets at `<prefix>/:file`; `assets` may still be loading (the route waits for them). */
export function serveAssets(app: FastifyInstance, prefix: string, assets: () => Promise<readonly Asset[]>): void {
  app.get(`${prefix}/:file`, async (request, reply) => {
    const found = (await assets()).find((a) => a.file === (request.params as { file: string }).file);
    if (!found) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('etag', found.etag)
      .header('vary', 'accept-encoding')
      .header('x-content-type-options', 'nosniff')
      .type(found.type);
    if (request.headers['if-none-match'] === found.etag) return reply.code(304).send();
    if (/\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) {
      found.gzipped ??= gzip(found.body);
      return reply.header('content-encoding', 'gzip').send(await found.gzipped);
    }
    return reply.send(found.body);
  });
}

/**
 * The pages' Content-Security-Policy: scripts, styles, images and API calls from this origin only,
 * nothing else loaded, posted or framed; `extra` adds or widens directives (`{ 'font-src': "'self' data:" }`).
 */
export function contentSecurityPolicy(extra: Record<string, string> = {}): string {
  const directives: Record<string, string> = {
    'default-src': "'none'",
    'script-src': "'self'",
    'style-src': "'self'",
    'img-src': "'self' data:",
    'connect-src': "'self'",
    'base-uri': "'none'",
    'form-action': "'none'",
    'frame-ancestors': "'none'",
    ...extra,
  };
  return Object.entries(directives)
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');
}

/**
 * Load each page as a browser would (the page, then every stylesheet and script it links, gzipped)
 * through the server's own request path, before it listens: the first visitor then finds that path
 * compiled and waits no longer than a repeat visit (docs/reliability.md, "Running the build"), and a
 * page or asset that does not answer fails the start.
 */
export async function warmPages(app: FastifyInstance, pages: readonly string[]): Promise<void> {
  const get = async (url: string, headers: Record<string, string>) => {
    const response = await app.inject({ method: 'GET', url, headers: { ...headers, [WARM_UP.header]: WARM_UP.value } });
    if (response.statusCode !== 200) throw new Error(`GET ${url} answered ${response.statusCode} before the server listened`);
    return response.body;
  };
  for (const page of pages) {
    const html = await get(page, { accept: 'text/html' });
    const base = page.slice(0, page.lastIndexOf('/') + 1);
    const assets = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)">|<script defer src="([^"]+)">/g)].map(
      (m) => base + (m[1] ?? m[2]),
    );
    await Promise.all(assets.map((url) => get(url, { 'accept-encoding': 'gzip' })));
  }
}

/** Send an HTML page with its Content-Security-Policy and the headers every page gets. */
export function sendPage(reply: FastifyReply, html: string, contentSecurityPolicy: string): FastifyReply {
  return reply
    .type('text/html; charset=utf-8')
    .header('content-security-policy', contentSecurityPolicy)
    .header('cache-control', 'no-cache')
    .header('vary', 'accept')
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .send(html);
}

/** A page of this server: its stylesheets and deferred scripts (URLs relative to the page), and its body. */
export function htmlPage(page: { title: string; styles: string[]; scripts: string[]; body: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${page.title} · Correlated ingest API</title>
${[...page.styles.map((href) => `<link rel="stylesheet" href="${href}">`), ...page.scripts.map((src) => `<script defer src="${src}"></script>`)].join('\n')}
</head>
<body>
${page.body}
</body>
</html>
`;
}

/** Load something once per process (however many servers are built: tests build many); retried after a failure. */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    if (!loading) {
      loading = load();
      loading.catch(() => {
        loading = undefined;
      });
    }
    return loading;
  };
}
