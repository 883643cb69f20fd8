import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { FastifyInstance } from 'fastify';
import { keyBar, ownAsset, wantsHtml } from './ide.ts';
import { type Asset, asset, htmlPage, once, sendPage, serveAssets } from './static.ts';

// GET /views: the views page for browsers (web/views), served with the GraphQL IDE and switched off
// with it (GRAPHQL_IDE). Its script is bundled from TypeScript with Chart.js from node_modules on
// the first request, once per process: no CDN, no build step to forget, nothing stale to commit.

const APP = fileURLToPath(new URL('../../web/views/app.ts', import.meta.url));
const CSS = fileURLToPath(new URL('../../web/views/views.css', import.meta.url));

// Stricter than the IDE's: no inline styles either (Chart.js sizes its canvas through the CSSOM, which CSP allows).
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface ViewsAssets {
  script: Asset;
  keyBar: Asset;
  styles: Asset;
}

const loadAssets = once(async (): Promise<ViewsAssets> => {
  const [bundle, keyBarStyles, styles] = await Promise.all([
    build({
      entryPoints: [APP],
      bundle: true,
      minify: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      write: false,
      logLevel: 'silent',
    }),
    readFile(ownAsset('ide.css')),
    readFile(CSS),
  ]);
  const code = bundle.outputFiles[0]?.contents;
  if (!code) throw new Error('the views page bundle is empty');
  return {
    script: asset('views', 'text/javascript; charset=utf-8', Buffer.from(code)),
    keyBar: asset('key-bar', 'text/css; charset=utf-8', keyBarStyles),
    styles: asset('views', 'text/css; charset=utf-8', styles),
  };
});

function renderPage(assets: ViewsAssets): string {
  // Relative URLs: the page lives at …/views, so this also works behind a path prefix.
  const href = (a: Asset) => `views/assets/${a.file}`;
  return htmlPage({
    title: 'Views',
    styles: [href(assets.keyBar), href(assets.styles)],
    scripts: [href(assets.script)],
    body: `${keyBar('Paste an API key (READ scope) to see the views of its workspace.', '<a href="graphql">GraphQL IDE</a>')}
<main id="views"><noscript>The views page needs JavaScript. API clients: query <code>views</code> at POST /graphql.</noscript></main>`,
  });
}

/** GET /views (browsers) and its assets under /views/assets. */
export function registerViewsPage(app: FastifyInstance): void {
  serveAssets(app, '/views/assets', async () => Object.values(await loadAssets()));
  app.get('/views', async (request, reply) => {
    if (!wantsHtml(request)) {
      return reply
        .code(406)
        .header('vary', 'accept')
        .send({ error: 'GET /views is a page for browsers. API clients: query `views` at POST /graphql.' });
    }
    return sendPage(reply, renderPage(await loadAssets()), CONTENT_SECURITY_POLICY);
  });
}
