import { expect } from 'vitest';
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

/**
 * GET a page as a browser, asserting what every page of this server holds: HTML, a CSP with scripts
 * from this origin only (nothing unsafe) and no framing, `Vary: accept`, no inline script and no
 * external URL. Returns the page and its CSP.
 */
export async function getPage(t: TestApp, url: string) {
  const page = await t.server.app.inject({ method: 'GET', url, headers: BROWSER });
  expect(page.statusCode).toBe(200);
  expect(page.headers['content-type']).toContain('text/html');
  const csp = String(page.headers['content-security-policy']);
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toMatch(/script-src[^;]*unsafe/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(page.headers.vary).toContain('accept');
  expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  expect(page.body).not.toMatch(/https?:\/\//);
  return { page, csp };
}

/**
 * Fetch each asset a page references, asserting what every asset holds: served with its type,
 * cacheable forever (content-addressed), not empty, and revalidated by its ETag (304).
 */
export async function expectCachedAssets(t: TestApp, urls: readonly string[]): Promise<void> {
  for (const url of urls) {
    const asset = await t.server.app.inject({ method: 'GET', url });
    expect(asset.statusCode, url).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-type']).toMatch(url.endsWith('.css') ? /text\/css/ : /text\/javascript/);
    expect(asset.body.length).toBeGreaterThan(100);

    const again = await t.server.app.inject({ method: 'GET', url, headers: { 'if-none-match': String(asset.headers.etag) } });
    expect(again.statusCode).toBe(304);
  }
}
