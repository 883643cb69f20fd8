import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { IDE_ASSETS, keyBar, wantsHtml } from './ide.ts';
import {
  type Asset,
  type AssetSource,
  bundleScript,
  contentSecurityPolicy,
  htmlPage,
  loadAsset,
  once,
  PREBUILT,
  sendPage,
  serveAssets,
  webFile,
} from './static.ts';

// GET /views: the views page for browsers (web/views), served with the GraphQL IDE and switched off
// with it (GRAPHQL_IDE). Its script is bundled from TypeScript with Chart.js by `npm run build`
// (like the IDE's); run from source, it is bundled on the first request instead.

/** The views page's assets: its bundled script, the key bar's styles (shared with the IDE) and its own. */
export const VIEWS_ASSETS = {
  script: { name: 'views', file: 'views.js', type: 'text/javascript; charset=utf-8', built: () => bundleScript('views/app.ts') },
  keyBar: { ...IDE_ASSETS['ide-css'], name: 'key-bar' },
  styles: { name: 'views', file: 'views.css', type: 'text/css; charset=utf-8', built: () => readFile(webFile('views/views.css')) },
} satisfies Record<string, AssetSource>;
type ViewsAssets = Record<keyof typeof VIEWS_ASSETS, Asset>;

const loadAssets = once(async (): Promise<ViewsAssets> => {
  const [script, keyBar, styles] = await Promise.all([
    loadAsset(VIEWS_ASSETS.script),
    loadAsset(VIEWS_ASSETS.keyBar),
    loadAsset(VIEWS_ASSETS.styles),
  ]);
  return { script, keyBar, styles };
});

// Stricter than the IDE's: no inline styles either (Chart.js sizes its canvas through the CSSOM, which CSP allows).
const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

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

/**
 * GET /views (browsers) and its assets under /views/assets. Compiled, the pre-built assets are read
 * here (a broken build fails at start); from source, they are built on the first request.
 */
export async function registerViewsPage(app: FastifyInstance): Promise<void> {
  if (PREBUILT) await loadAssets();
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
