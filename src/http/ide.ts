import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type Asset,
  type AssetSource,
  bundleScript,
  contentSecurityPolicy,
  htmlPage,
  loadAsset,
  once,
  sendPage,
  serveAssets,
  webFile,
} from './static.ts';

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
const CONTENT_SECURITY_POLICY = contentSecurityPolicy({ 'style-src': "'self' 'unsafe-inline'", 'font-src': "'self' data:" });

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

const script = 'text/javascript; charset=utf-8';
const style = 'text/css; charset=utf-8';
const fromFile = (path: () => string) => () => readFile(path());

const SOURCES = {
  react: { file: 'react.js', type: script, built: fromFile(() => join(packageDir('react'), 'umd/react.production.min.js')) },
  'react-dom': {
    file: 'react-dom.js',
    type: script,
    built: fromFile(() => join(packageDir('react-dom'), 'umd/react-dom.production.min.js')),
  },
  graphiql: { file: 'graphiql.js', type: script, built: fromFile(() => join(packageDir('graphiql'), 'dist/index.umd.js')) },
  'graphiql-css': { file: 'graphiql.css', type: style, built: fromFile(() => join(packageDir('graphiql'), 'dist/style.css')) },
  ide: { file: 'ide.js', type: script, built: () => bundleScript('ide/ide.ts') },
  'ide-css': { file: 'ide.css', type: style, built: fromFile(() => webFile('ide/ide.css')) },
} as const;
type AssetName = keyof typeof SOURCES;

/** The IDE's assets: GraphiQL and React from node_modules, and its own script (web/ide, bundled) and styles. */
export const IDE_ASSETS: Record<AssetName, AssetSource> = Object.fromEntries(
  (Object.keys(SOURCES) as AssetName[]).map((name) => {
    const { file, type, built } = SOURCES[name];
    return [name, { name: name.replace(/-css$/, ''), file, type, built }];
  }),
) as Record<AssetName, AssetSource>;

// Read once per process (about 1.5 MB), however many servers are built (tests build many).
const loadAssets = once(async (): Promise<Record<AssetName, Asset>> => {
  const entries = await Promise.all(
    (Object.keys(IDE_ASSETS) as AssetName[]).map(async (name) => [name, await loadAsset(IDE_ASSETS[name])] as const),
  );
  return Object.fromEntries(entries) as Record<AssetName, Asset>;
});

/**
 * The API-key box of the IDE and the views page, driven in the browser by web/shared/api-key-box.ts:
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
