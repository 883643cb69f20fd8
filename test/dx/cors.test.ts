import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';

const APP = 'https://app.example.com';
let open: TestApp;
let sameOrigin: TestApp;

beforeAll(async () => {
  open = await createTestApp({ CORS_ORIGINS: `${APP}, http://localhost:5173` });
  sameOrigin = await createTestApp();
});
afterAll(async () => {
  await open?.close();
  await sameOrigin?.close();
});

const preflight = (t: TestApp, origin: string) =>
  t.server.app.inject({
    method: 'OPTIONS',
    url: '/graphql',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });

describe('CORS', () => {
  it('answers the preflight of an allowed origin and lets its POST read the answer', async () => {
    const pre = await preflight(open, APP);
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(APP);
    expect(String(pre.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(pre.headers['access-control-allow-headers'])).toContain('authorization');
    expect(pre.headers['access-control-allow-credentials']).toBeUndefined();

    const response = await open.server.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { origin: APP, 'content-type': 'application/json', authorization: `Bearer ${open.adminKey}` },
      payload: JSON.stringify({ query: '{ viewer { workspace { name } } }' }),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(APP);
    // Exactly the headers the service sets: none advertised that no response carries.
    expect(String(response.headers['access-control-expose-headers'])).toBe('retry-after, x-request-id');
  });

  it('gives other origins no CORS headers, so browsers block them', async () => {
    const pre = await preflight(open, 'https://evil.example.net');
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('is same-origin only by default', async () => {
    const pre = await preflight(sameOrigin, APP);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    const response = await sameOrigin.gql('{ viewer { scopes } }');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('validates CORS_ORIGINS at start-up', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://App.Example.com/ , *' }).corsOrigins).toEqual(['https://app.example.com', '*']);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://app.example.com/path' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadConfig({ CORS_ORIGINS: 'app.example.com' })).toThrow(/CORS_ORIGINS/);
  });
});
