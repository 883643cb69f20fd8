import { suiteApp, type TestApp } from './harness.ts';

/** The Accept header a browser sends for a page. */
export const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

/** The asset URLs a served page references under `/<prefix>/assets/`. */
export const assetUrls = (html: string, prefix: string) =>
  [...html.matchAll(new RegExp(`(?:src|href)="(${prefix}/assets/[^"]+)"`, 'g'))].map((m) => `/${m[1]}`);

/** Two servers for the page tests: pages on (default) and off (`GRAPHQL_IDE=false`). */
export function pageApps(): { on: () => TestApp; off: () => TestApp } {
  const on = suiteApp();
  const off = suiteApp({ GRAPHQL_IDE: 'false' });
  return { on: () => on, off: () => off };
}
