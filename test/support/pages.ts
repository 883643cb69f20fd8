import { suiteApp, type TestApp } from './harness.ts';

/** The Accept header a browser sends for a page. */
export const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

/**
 * The suite of a page served at `/<page>`: two servers, pages on (default) and off
 * (`GRAPHQL_IDE=false`), and the asset URLs a served page references under `/<page>/assets/`.
 */
export function pageSuite(page: 'graphql' | 'views'): { on: () => TestApp; off: () => TestApp; assetUrls: (html: string) => string[] } {
  const on = suiteApp();
  const off = suiteApp({ GRAPHQL_IDE: 'false' });
  const pattern = new RegExp(`(?:src|href)="(${page}/assets/[^"]+)"`, 'g');
  return { on: () => on, off: () => off, assetUrls: (html) => [...html.matchAll(pattern)].map((m) => `/${m[1]}`) };
}
