import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { REDIS_URL, redisAnswers } from '../support/redis.ts';

// GET /readyz checks every dependency the server was configured with and names the one that failed;
// GET /healthz (liveness) checks none.
const redisUp = await redisAnswers();

const apps: TestApp[] = [];
const app = async (env: Record<string, string> = {}) => {
  const t = await createTestApp({ LOG_LEVEL: 'silent', ...env });
  apps.push(t);
  return t;
};
const probe = async (t: TestApp, url: string) => {
  const response = await t.server.app.inject({ method: 'GET', url });
  return { status: response.statusCode, retryAfter: response.headers['retry-after'], body: response.json() };
};

afterAll(async () => {
  for (const t of apps) await t.close();
});

describe('readiness', () => {
  it('without Redis checks the database only', async () => {
    const t = await app();
    expect(await probe(t, '/readyz')).toMatchObject({ status: 200, body: { status: 'ready', checks: { database: 'ok' } } });
    expect((await probe(t, '/readyz')).body.checks).not.toHaveProperty('redis');
  });

  it('answers 503 naming Redis when REDIS_URL points at nothing, while liveness stays 200', async () => {
    const t = await app({ REDIS_URL: 'redis://127.0.0.1:1' });
    const ready = await probe(t, '/readyz');
    expect(ready).toMatchObject({
      status: 503,
      retryAfter: '5',
      body: { status: 'unavailable', failed: ['redis'], checks: { database: 'ok', redis: 'unavailable' } },
    });
    expect(await probe(t, '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it.skipIf(!redisUp)('is ready when Redis answers', async () => {
    const t = await app({ REDIS_URL });
    expect(await probe(t, '/readyz')).toMatchObject({ status: 200, body: { status: 'ready', checks: { database: 'ok', redis: 'ok' } } });
  });

  it('answers 503 naming the database when it is gone', async () => {
    const t = await app();
    await t.database.close();
    expect(await probe(t, '/readyz')).toMatchObject({ status: 503, body: { failed: ['database'], checks: { database: 'unavailable' } } });
  });
});
