import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Asset, asset, htmlPage, once, sendPage, serveAssets } from './static.ts';

/** Browsers navigating to /graphql get the IDE; API clients (Accept: application/json) get GraphQL. */
export function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html') && !(request.query as Record<string, unknown> | undefined)?.query;
}

export interface Ide {
  sendPage(reply: FastifyReply): FastifyReply;
}

// The IDE runs with no internet: GraphiQL and React come from the installed npm packages and are
// served by this server. Scripts only from this origin (the bootstrap is an asset file, not inline);
// styles allow 'unsafe-inline' because GraphiQL's dialogs inject a <style> element.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));
export const ownAsset = (file: string) => fileURLToPath(new URL(`./assets/${file}`, import.meta.url));

const SOURCES = {
  react: { path: () => join(packageDir('react'), 'umd/react.production.min.js'), type: 'text/javascript; charset=utf-8' },
  'react-dom': { path: () => join(packageDir('react-dom'), 'umd/react-dom.production.min.js'), type: 'text/javascript; charset=utf-8' },
  graphiql: { path: () => join(packageDir('graphiql'), 'dist/index.umd.js'), type: 'text/javascript; charset=utf-8' },
  'graphiql-css': { path: () => join(packageDir('graphiql'), 'dist/style.css'), type: 'text/css; charset=utf-8' },
  ide: { path: () => ownAsset('ide.js'), type: 'text/javascript; charset=utf-8' },
  'ide-css': { path: () => ownAsset('ide.css'), type: 'text/css; charset=utf-8' },
} as const;
type AssetName = keyof typeof SOURCES;

// Read once per process (about 1.5 MB), however many servers are built (tests build many).
const loadAssets = once(async (): Promise<Record<AssetName, Asset>> => {
  const entries = await Promise.all(
    (Object.keys(SOURCES) as AssetName[]).map(async (name) => {
      const { path, type } = SOURCES[name];
      return [name, asset(name.replace(/-css$/, ''), type, await readFile(path()))] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<AssetName, Asset>;
});

/**
 * The API-key field of the IDE and the views page (same ids, so the same bootstrap code drives it):
 * `status` is the hint before a key is entered, `extra` HTML after it (a link to the other page).
 */
export function keyBar(status: string, extra = ''): string {
  return `<header class="key-bar">
  <form id="key-form" autocomplete="off">
    <label for="api-key">API key</label>
    <input id="api-key" name="api-key" type="password" placeholder="cor_…" spellcheck="false" autocomplete="off">
    <label class="remember"><input id="remember" type="checkbox"> Remember on this device</label>
    <button type="submit">Use key</button>
    <button type="button" id="forget">Forget</button>
    <span id="key-status" role="status" aria-live="polite">${status}</span>
    ${extra}
  </form>
</header>`;
}

function renderPage(assets: Record<AssetName, Asset>): string {
  // Relative URLs: the page lives at …/graphql, so this also works behind a path prefix.
  const href = (name: AssetName) => `graphql/assets/${assets[name].file}`;
  return htmlPage({
    title: 'GraphQL IDE',
    styles: [href('graphiql-css'), href('ide-css')],
    scripts: [href('react'), href('react-dom'), href('graphiql'), href('ide')],
    body: `${keyBar('Paste an API key to load the schema and run operations.', '<a href="views">Views</a>')}
<main id="graphiql"><noscript>The GraphQL IDE needs JavaScript. API clients: POST GraphQL to this URL with <code>Authorization: Bearer &lt;key&gt;</code>.</noscript></main>`,
  });
}

/** Serve the IDE's assets under /graphql/assets and return the page sender for GET /graphql. */
export async function registerIde(app: FastifyInstance): Promise<Ide> {
  const assets = await loadAssets();
  const page = renderPage(assets);
  serveAssets(app, '/graphql/assets', async () => Object.values(assets));
  return { sendPage: (reply) => sendPage(reply, page, CONTENT_SECURITY_POLICY) };
}
