import { describe, expect, it } from 'vitest';
import { BROWSER, expectCachedAssets, getPage, pageSuite } from '../support/pages.ts';

// The IDE page and its assets over HTTP (the browser itself is exercised by test/e2e/ide.test.ts).
const apps = pageSuite('graphql');
const { assetUrls } = apps;

describe('GraphQL IDE', () => {
  it('serves the page to browsers with a strict CSP and no inline script or external URL', async () => {
    const { page } = await getPage(apps.on(), '/graphql');
    expect(assetUrls(page.body)).toHaveLength(6);
  });

  it('still answers GraphQL clients on the same URL', async () => {
    const json = await apps.on().server.app.inject({
      method: 'GET',
      url: '/graphql?query=%7Bviewer%7Bscopes%7D%7D',
      headers: { ...BROWSER, authorization: `Bearer ${apps.on().adminKey}`, 'apollo-require-preflight': 'true' },
    });
    expect(json.json().data.viewer.scopes).toContain('ADMIN');
    const post = await apps.on().gql('{ viewer { scopes } }');
    expect(post.status).toBe(200);
  });

  it('serves content-addressed assets with long-lived caching, ETag revalidation and gzip', async () => {
    const page = await apps.on().server.app.inject({ method: 'GET', url: '/graphql', headers: BROWSER });
    await expectCachedAssets(apps.on(), assetUrls(page.body));
    const graphiql = assetUrls(page.body).find((url) => url.includes('/graphiql.') && url.endsWith('.js'))!;
    const plain = await apps.on().server.app.inject({ method: 'GET', url: graphiql });
    const zipped = await apps.on().server.app.inject({ method: 'GET', url: graphiql, headers: { 'accept-encoding': 'gzip, br' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
    expect((await apps.on().server.app.inject({ method: 'GET', url: '/graphql/assets/../../package.json' })).statusCode).toBe(404);
    expect((await apps.on().server.app.inject({ method: 'GET', url: '/graphql/assets/graphiql.js' })).statusCode).toBe(404);
  });

  it('can be switched off with GRAPHQL_IDE=false', async () => {
    const page = await apps.off().server.app.inject({ method: 'GET', url: '/graphql', headers: BROWSER });
    expect(page.headers['content-type']).not.toContain('text/html');
    const asset = await apps.off().server.app.inject({ method: 'GET', url: '/graphql/assets/ide.js' });
    expect(asset.statusCode).toBe(404);
  });
});
