import { createHash, randomBytes } from 'node:crypto';
import { parse } from 'graphql';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentRateClass } from '../../src/graphql/auth.ts';
import { memoryStore } from '../../src/http/rate-limit.ts';
import { buildServer } from '../../src/server.ts';
import { createTestApp, suiteApp, type TestApp } from '../support/harness.ts';
import { REDIS_URL, redisAnswers } from '../support/redis.ts';

// Refill rates are tiny (one token per ~17 minutes) so the outcome never depends on timing.
const SLOW = { RATE_LIMIT_READ_PER_SECOND: '0.001', RATE_LIMIT_INGEST_PER_SECOND: '0.001', RATE_LIMIT_ADMIN_PER_SECOND: '0.001' };
const VIEWER = '{ viewer { scopes } }';
const TRACK = 'mutation { trackEvents(input: { records: [] }) { received } }';
const CREATE_KEY = 'mutation { createApiKey(input: { name: "x", scopes: [READ] }) { secret } }';

const redisUp = await redisAnswers();

function expectRateLimited(res: {
  status: number;
  headers: Record<string, unknown>;
  errors?: Array<{ extensions?: Record<string, any> }>;
}) {
  expect(res.status).toBe(429);
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: Number(res.headers['retry-after']) });
}

describe('token buckets (pure)', () => {
  it('refills at the configured rate up to the burst and says when to retry', async () => {
    let now = 0;
    const store = memoryStore(() => now);
    const rule = { perSecond: 2, burst: 3 };
    const take = async () => (await store.take('k', rule, 1)).allowed;
    expect([await take(), await take(), await take(), await take()]).toEqual([true, true, true, false]);
    expect((await store.take('k', rule, 1)).retryAfterSeconds).toBe(1);
    now += 500; // one token back
    expect([await take(), await take()]).toEqual([true, false]);
    now += 60_000; // never more than the burst
    expect([await take(), await take(), await take(), await take()]).toEqual([true, true, true, false]);
    expect((await store.take('other', rule, 1)).allowed).toBe(true);
  });

  it('classifies GraphQL operations by the work they do', () => {
    const classOf = (query: string, operationName?: string) => documentRateClass(parse(query), operationName);
    expect(classOf(VIEWER)).toBe('READ');
    expect(classOf(TRACK)).toBe('INGEST');
    expect(classOf(CREATE_KEY)).toBe('ADMIN');
    expect(classOf(`query Q ${VIEWER} ${TRACK.replace('mutation', 'mutation M')}`, 'M')).toBe('INGEST');
    // No operation to run (none named, or an unknown name): charged as a read.
    expect(classOf(`query Q ${VIEWER} ${TRACK.replace('mutation', 'mutation M')}`)).toBe('READ');
    expect(documentRateClass(undefined)).toBe('READ');
  });
});

describe('rate limiting in memory', () => {
  const t = suiteApp({
    ...SLOW,
    RATE_LIMIT_READ_BURST: '3',
    RATE_LIMIT_INGEST_BURST: '2',
    RATE_LIMIT_ADMIN_BURST: '1',
    GRAPHQL_MAX_BATCH: '5',
  });

  it('gives each key and kind of work its own bucket; over the limit is 429 + Retry-After + RATE_LIMITED', async () => {
    const reader = (await t.newWorkspace('reader')).adminKey;
    for (let i = 0; i < 3; i++) expect((await t.gql(VIEWER, {}, reader)).status).toBe(200);
    const limited = await t.gql(VIEWER, {}, reader);
    expectRateLimited(limited);
    expect(limited.data ?? null).toBeNull();
    expect(limited.errors?.[0]?.extensions).toMatchObject({ scope: 'READ', burst: 3 });

    // Another key of the same workspace is not affected; GET requests count too.
    const other = (await t.newWorkspace('other')).adminKey;
    expect((await t.gql(VIEWER, {}, other)).status).toBe(200);
    const get = await t.server.app.inject({
      method: 'GET',
      url: `/graphql?query=${encodeURIComponent(VIEWER)}`,
      headers: { authorization: `Bearer ${reader}`, accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(get.statusCode).toBe(429);
    expect(get.json().errors[0].extensions.code).toBe('RATE_LIMITED');
  });

  it('spends INGEST tokens on ingest mutations and ADMIN tokens on key management', async () => {
    const admin = (await t.newWorkspace('limits')).adminKey;
    for (let i = 0; i < 2; i++) expect((await t.gql(TRACK, {}, admin)).status).not.toBe(429);
    expectRateLimited(await t.gql(TRACK, {}, admin));
    expect((await t.gql(CREATE_KEY, {}, admin)).status).toBe(200);
    const refused = await t.gql(CREATE_KEY, {}, admin);
    expectRateLimited(refused);
    expect(refused.errors?.[0]?.extensions?.scope).toBe('ADMIN');
    // Reads are still allowed for the same key.
    expect((await t.gql(VIEWER, {}, admin)).status).toBe(200);
  });

  it('charges a hash-only (APQ) request by the operation its hash resolves to', async () => {
    const admin = (await t.newWorkspace('apq')).adminKey;
    const revoke = 'mutation { revokeApiKey(input: { id: "none" }) { userErrors { message } } }';
    const persisted = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(revoke).digest('hex') } };
    const post = (body: Record<string, unknown>) =>
      t.server.app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        payload: JSON.stringify(body),
      });
    // Registering spends the only ADMIN token; the same mutation by hash alone is an ADMIN request too.
    expect((await post({ query: revoke, extensions: persisted })).statusCode).toBe(200);
    const byHash = await post({ extensions: persisted });
    expect(byHash.statusCode).toBe(429);
    expect(byHash.json().errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', scope: 'ADMIN' });
    // Reads by hash spend READ tokens.
    const read = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(VIEWER).digest('hex') } };
    expect((await post({ query: VIEWER, extensions: read })).statusCode).toBe(200);
    expect((await post({ extensions: read })).statusCode).toBe(200);
  });

  it('charges documents refused before they run (syntax, unknown hash) as reads, and refuses them over the limit', async () => {
    const reader = (await t.newWorkspace('malformed')).adminKey;
    const statuses = [];
    for (let i = 0; i < 2; i++) statuses.push((await t.gql('mutation {', {}, reader)).status);
    const unknownHash = await t.server.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${reader}` },
      payload: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } }),
    });
    expect([...statuses, unknownHash.statusCode]).toEqual([400, 400, 200]);
    const limited = await t.gql('mutation {', {}, reader);
    expectRateLimited(limited);
    expect(limited.errors?.[0]?.extensions).toMatchObject({ scope: 'READ' });
    expectRateLimited(await t.gql(VIEWER, {}, reader));
  });

  it('charges one token per operation of a batched request', async () => {
    const reader = (await t.newWorkspace('batch')).adminKey;
    const batch = await t.server.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${reader}` },
      payload: JSON.stringify([{ query: VIEWER }, { query: VIEWER }, { query: VIEWER }]),
    });
    expect(batch.statusCode).toBe(200);
    expectRateLimited(await t.gql(VIEWER, {}, reader));
  });

  it('limits the Hightouch REST and JSON-RPC routes (INGEST bucket) with 429, Retry-After and the adapter error shapes', async () => {
    const key = (await t.newWorkspace('hightouch')).adminKey;
    const headers = { authorization: `Bearer ${key}` };
    for (let i = 0; i < 2; i++) {
      expect((await t.server.app.inject({ method: 'GET', url: '/hightouch/v1/validate', headers })).statusCode).toBe(200);
    }
    const rest = await t.server.app.inject({ method: 'GET', url: '/hightouch/v1/validate', headers });
    expect(rest.statusCode).toBe(429);
    expect(Number(rest.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(rest.json().error).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/retry in/) });

    const rpc = await t.server.app.inject({
      method: 'POST',
      url: '/hightouch/v1/rpc',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'list_objects', params: {} }),
    });
    // JSON-RPC refusals are HTTP 200 with the error object (src/hightouch/jsonrpc.ts), one token per call.
    expect(rpc.statusCode).toBe(200);
    expect(rpc.headers['retry-after']).toBeDefined();
    expect(rpc.json()).toMatchObject({ jsonrpc: '2.0', id: 1, error: { code: -32029, data: { code: 'RATE_LIMITED', retryable: true } } });
    // GraphQL ingest shares the INGEST bucket with the adapter.
    expectRateLimited(await t.gql(TRACK, {}, key));
  });

  it('never limits health, readiness, metrics or the IDE page; requests without a valid key get 401 within their allowance', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await t.gql(VIEWER, {}, null)).status).toBe(401);
      expect((await t.gql(VIEWER, {}, `cor_${'x'.repeat(43)}`)).status).toBe(401);
      expect((await t.server.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      expect((await t.server.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      expect((await t.server.app.inject({ method: 'GET', url: '/metrics' })).statusCode).not.toBe(429);
      const ide = await t.server.app.inject({
        method: 'GET',
        url: '/graphql',
        headers: { accept: 'text/html', authorization: `Bearer ${t.adminKey}` },
      });
      expect(ide.statusCode).toBe(200);
    }
  });
});

describe('requests with a missing or wrong key, per client address', () => {
  const t = suiteApp({ RATE_LIMIT_UNAUTHENTICATED_PER_SECOND: '0.001', RATE_LIMIT_UNAUTHENTICATED_BURST: '3' });
  const call = (remoteAddress: string, key: string | null, url = '/graphql') =>
    t.server.app.inject({
      method: 'POST',
      url,
      remoteAddress,
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      payload: url === '/graphql' ? JSON.stringify({ query: VIEWER }) : { records: [] },
    });

  it('answers 401 up to the burst, then 429 without looking the key up, for that address only', async () => {
    const unknown = `cor_${'Q'.repeat(43)}`;
    expect((await call('198.51.100.1', unknown)).statusCode).toBe(401);
    expect((await call('198.51.100.1', null)).statusCode).toBe(401);
    expect((await call('198.51.100.1', 'not-a-key', '/hightouch/v1/objects/account/upsert')).statusCode).toBe(401);
    const limited = await call('198.51.100.1', unknown);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.json().errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', scope: 'UNAUTHENTICATED', burst: 3 });

    // While the address is over its allowance nothing of its requests reaches the database.
    const statements = t.database.stats.statements;
    const rest = await call('198.51.100.1', unknown, '/hightouch/v1/objects/account/upsert');
    expect(rest.statusCode).toBe(429);
    expect(rest.json().error.code).toBe('RATE_LIMITED');
    // A valid key this instance has not seen yet is not told apart from a guess.
    expect((await call('198.51.100.1', t.adminKey)).statusCode).toBe(429);
    expect(t.database.stats.statements).toBe(statements);

    // Other addresses, and valid keys from them, are not affected.
    expect((await call('198.51.100.2', unknown)).statusCode).toBe(401);
    expect((await call('198.51.100.2', t.adminKey)).statusCode).toBe(200);
    // Once a key has authenticated, it works from the blocked address too (a shared egress address
    // such as Hightouch's must not lock out other tenants); guesses from there still do not.
    expect((await call('198.51.100.1', t.adminKey)).statusCode).toBe(200);
    expect((await call('198.51.100.1', unknown)).statusCode).toBe(429);
  });

  it('does not count requests with a valid key', async () => {
    for (let i = 0; i < 6; i++) expect((await call('198.51.100.3', t.adminKey)).statusCode).toBe(200);
    expect((await call('198.51.100.3', null)).statusCode).toBe(401);
  });
});

describe.runIf(redisUp)('rate limiting in Redis (shared by instances)', () => {
  let t: TestApp;
  let second: Awaited<ReturnType<typeof buildServer>>;
  const prefix = `test:${randomBytes(6).toString('hex')}:`;
  beforeAll(async () => {
    t = await createTestApp({ ...SLOW, RATE_LIMIT_READ_BURST: '3', REDIS_URL, RATE_LIMIT_KEY_PREFIX: prefix });
    // A second instance on the same database and the same Redis.
    second = await buildServer({ config: t.config, database: t.database, logger: false });
    await second.app.ready();
  });
  afterAll(async () => {
    await second?.app.close();
    await t?.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('shares one bucket per key across instances and stores it under the configured prefix', async () => {
    const reader = await t.keyWithScopes(['READ']);
    const onSecond = () =>
      second.app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${reader}` },
        payload: JSON.stringify({ query: VIEWER }),
      });
    expect((await t.gql(VIEWER, {}, reader)).status).toBe(200);
    expect((await onSecond()).statusCode).toBe(200);
    expect((await t.gql(VIEWER, {}, reader)).status).toBe(200);
    const refused = await onSecond();
    expect(refused.statusCode).toBe(429);
    expect(refused.json().errors[0].extensions.code).toBe('RATE_LIMITED');
    expectRateLimited(await t.gql(VIEWER, {}, reader));

    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.some((k) => k.endsWith(':READ'))).toBe(true);
    expect(await redis.pttl(keys[0]!)).toBeGreaterThan(0);
    await redis.quit();
  });
});

describe('rate limiting when Redis is unreachable', () => {
  it('lets requests through (the limiter must not become an ingestion outage)', async () => {
    const t = await createTestApp({ ...SLOW, RATE_LIMIT_READ_BURST: '1', REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      for (let i = 0; i < 3; i++) expect((await t.gql(VIEWER)).status).toBe(200);
      expect(t.logs.join('')).toContain('rate limiter: Redis unavailable');
    } finally {
      await t.close();
    }
  });
});
