import { describe, expect, it } from 'vitest';
import { warmPages } from '../../src/http/static.ts';
import { WARM_UP } from '../../src/observability/http.ts';
import { BROWSER, expectCachedAssets, getPage, pageSuite } from '../support/pages.ts';

// GET /views over HTTP (the page in a browser is test/e2e/views.test.ts).
const apps = pageSuite('views');
const { assetUrls } = apps;

describe('views page', () => {
  it('serves browsers a page with a strict CSP (no inline script or style, nothing external)', async () => {
    const { page, csp } = await getPage(apps.on(), '/views');
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe');
    expect(page.body).toContain('id="api-key"');
    expect(assetUrls(page.body)).toHaveLength(3);
  });

  it('serves its bundle (the page code and Chart.js) and styles from this server, cacheable forever', async () => {
    const page = await apps.on().server.app.inject({ method: 'GET', url: '/views', headers: BROWSER });
    await expectCachedAssets(apps.on(), assetUrls(page.body));
    const script = await apps.on().server.app.inject({ method: 'GET', url: assetUrls(page.body).find((u) => u.endsWith('.js'))! });
    expect(script.body).toContain('query ViewsPage');
    expect(script.body).toMatch(/Chart\.js v4/);
    expect((await apps.on().server.app.inject({ method: 'GET', url: '/views/assets/nope.js' })).statusCode).toBe(404);
  });

  it('tells API clients to use GraphQL, and is off with the IDE', async () => {
    const json = await apps.on().server.app.inject({ method: 'GET', url: '/views', headers: { accept: 'application/json' } });
    expect(json.statusCode).toBe(406);
    expect(json.json().error).toContain('POST /graphql');
    expect((await apps.off().server.app.inject({ method: 'GET', url: '/views', headers: BROWSER })).statusCode).toBe(404);
  });

  it('is loaded once with its assets before the server listens, logged at debug and not counted (warmPages)', async () => {
    const t = apps.on();
    /** GET requests counted so far, every route. */
    const counted = async () =>
      [
        ...(await t.server.app.inject({ method: 'GET', url: '/metrics' })).body.matchAll(
          /^http_requests_total\{method="GET"[^}]*\} (\d+)$/gm,
        ),
      ]
        .map((m) => Number(m[1]))
        .reduce((a, b) => a + b, 0);
    const before = t.logs.length;
    const countedBefore = await counted();
    await warmPages(t.server.app, ['/views', '/graphql']);
    // Each page and its assets: GET lines at debug only (the suite logs at info: none written), and
    // not counted (the one more is the scrape before).
    expect(t.logs.slice(before).filter((line) => line.includes('"msg":"GET /'))).toEqual([]);
    expect(await counted()).toBe(countedBefore + 1);
    // A client sending the header without this process's value is logged and counted as any request.
    await t.server.app.inject({ method: 'GET', url: '/views', headers: { ...BROWSER, [WARM_UP.header]: 'guess' } });
    expect(t.logs.slice(before).some((line) => line.includes('"msg":"GET /views 200"'))).toBe(true);
    // A page that does not answer fails the start.
    await expect(warmPages(t.server.app, ['/nowhere'])).rejects.toThrow('GET /nowhere answered 404');
  });
});
