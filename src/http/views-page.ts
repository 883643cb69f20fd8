import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { FastifyInstance } from 'fastify';
import { keyBar, ownAsset, wantsHtml } from './ide.ts';
import { type Asset, asset, sendPage, serveAssets } from './static.ts';

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

let loading: Promise<ViewsAssets> | undefined;

function loadAssets(): Promise<ViewsAssets> {
  loading ??= (async () => {
    const [bundle, keyBar, styles] = await Promise.all([
      build({ entryPoints: [APP], bundle: true, minify: true, format: 'iife', platform: 'browser', target: 'es2020', write: false, logLevel: 'silent' }),
      readFile(ownAsset('ide.css')),
      readFile(CSS),
    ]);
    const code = bundle.outputFiles[0]?.contents;
    if (!code) throw new Error('the views page bundle is empty');
    return {
      script: asset('views', 'text/javascript; charset=utf-8', Buffer.from(code)),
      keyBar: asset('key-bar', 'text/css; charset=utf-8', keyBar),
      styles: asset('views', 'text/css; charset=utf-8', styles),
    };
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

function renderPage(assets: ViewsAssets): string {
  // Relative URLs: the page lives at …/views, so this also works behind a path prefix.
  const href = (a: Asset) => `views/assets/${a.file}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Views · Correlated ingest API</title>
<link rel="stylesheet" href="${href(assets.keyBar)}">
<link rel="stylesheet" href="${href(assets.styles)}">
<script defer src="${href(assets.script)}"></script>
</head>
<body>
${keyBar('Paste an API key (READ scope) to see the views of its workspace.', '<a href="graphql">GraphQL IDE</a>')}
<main id="views"><noscript>The views page needs JavaScript. API clients: query <code>views</code> at POST /graphql.</noscript></main>
</body>
</html>
`;
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
