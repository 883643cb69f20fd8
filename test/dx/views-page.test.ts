import { describe, expect, it } from 'vitest';
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
});
