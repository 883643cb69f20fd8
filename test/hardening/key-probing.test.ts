import { randomBytes } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/keys/secrets.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';

// Probing for keys, and leaking them, on every door. Every way a key arrives (Authorization
// header, URL path, a JSON-RPC call's configuration.api_key) goes through one authentication step
// that counts refusals per client address and per key prefix with RATE_LIMIT_UNAUTHENTICATED_*,
// answers 429 + Retry-After (a JSON-RPC error on that endpoint) and counts api_key_refusals_total.
// A key that decodes from the URL (percent-encoding, mixed-case hex, double encoding) is redacted
// in logs, metrics and every error body; unknown routes never echo the path.

const BURST = 10;
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A well-formed key nobody holds (`prefix` fixes its display prefix). */
const randomKey = (prefix = '') => {
  let body = prefix;
  for (const byte of randomBytes(64)) if (body.length < 43) body += BASE62[byte % 62];
  return `cor_${body}`;
};
let addressSeq = 0;
/** A client address of its own for each probe (the refused-key buckets are per address). */
const newAddress = () => `203.0.113.${++addressSeq}`;

const configuration = (apiKey?: string) => ({
  identifierMapping: { from: 'ID', to: 'account_id' },
  mappings: [{ from: 'NAME', to: 'company_name' }],
  ...(apiKey !== undefined ? { api_key: apiKey } : {}),
});
const validateCall = (id: number, apiKey?: string) => ({
  jsonrpc: '2.0',
  id,
  method: 'validate',
  params: { configuration: configuration(apiKey) },
});

type Via = 'header' | 'path' | 'encoded path' | 'option';

describe('the refused-key limit on every path', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_UNAUTHENTICATED_PER_SECOND: '0.001', RATE_LIMIT_UNAUTHENTICATED_BURST: String(BURST) });
  });
  afterAll(async () => {
    await t?.close();
  });

  const rpc = (address: string, via: Via | 'none', key: string, body: unknown, headers: Record<string, string> = {}) =>
    t.server.app.inject({
      method: 'POST',
      url:
        via === 'path'
          ? `/hightouch/v1/rpc/${key}`
          : via === 'encoded path'
            ? `/hightouch/v1/rpc/${key.replace('cor_', 'cor%5F')}`
            : '/hightouch/v1/rpc',
      remoteAddress: address,
      headers: { 'content-type': 'application/json', ...(via === 'header' ? { authorization: `Bearer ${key}` } : {}), ...headers },
      payload: JSON.stringify(body),
    });
  /** A JSON-RPC body of `calls` validate calls presenting `key` the `via` way. */
  const probe = (address: string, via: Via, key: string, calls = 1) =>
    rpc(
      address,
      via,
      key,
      Array.from({ length: calls }, (_, i) => validateCall(i, via === 'option' ? key : undefined)),
    );
  const expectRpcRateLimited = (response: { statusCode: number; headers: Record<string, unknown>; json(): any }) => {
    // HTTP 200 with the error object, as a stock JSON-RPC client reads it (src/hightouch/jsonrpc.ts).
    expect(response.statusCode).toBe(200);
    expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const answers = [response.json()].flat();
    for (const answer of answers) {
      expect(answer.error).toMatchObject({
        code: -32029,
        data: { code: 'RATE_LIMITED', scope: 'UNAUTHENTICATED', retryable: true, burst: BURST },
      });
      expect(answer.error.data.retryAfterSeconds).toBe(Number(response.headers['retry-after']));
    }
  };

  it.each<Via>(['option', 'header', 'path', 'encoded path'])(
    'answers a wrong key sent by %s as REST does: refused up to the burst, then 429 before any lookup',
    async (via) => {
      const address = newAddress();
      for (let i = 0; i < BURST; i++) {
        const answer = (await probe(address, via, randomKey())).json()[0];
        // validate tells a wrong key apart from a good one, but only within the allowance.
        expect(answer.result?.errors ?? [answer.error?.message]).toEqual([expect.stringMatching(/invalid, revoked or expired/)]);
      }
      // The attempt that finds the bucket empty is refused with 429; from then on the address is
      // refused before any lookup, a batch of the largest size included.
      expectRpcRateLimited(await probe(address, via, randomKey()));
      const statements = t.database.stats.statements;
      expectRpcRateLimited(await probe(address, via, randomKey(), 20));
      // The same address is refused on REST and GraphQL too: one count for every path.
      const rest = await t.server.app.inject({
        method: 'GET',
        url: '/hightouch/v1/validate',
        remoteAddress: address,
        headers: { authorization: `Bearer ${randomKey()}` },
      });
      expect(rest.statusCode).toBe(429);
      expect(rest.json().error).toMatchObject({ code: 'RATE_LIMITED', details: { scope: 'UNAUTHENTICATED' } });
      expect(t.database.stats.statements).toBe(statements);
    },
  );

  it('counts every call of a batch: one batch of the burst empties the allowance', async () => {
    const address = newAddress();
    const key = randomKey();
    const batch = await probe(address, 'option', key, BURST);
    expect(batch.json()).toHaveLength(BURST);
    for (const answer of batch.json()) expect(answer.result.errors).toEqual([expect.stringMatching(/invalid, revoked or expired/)]);
    expectRpcRateLimited(await probe(address, 'option', key));
    // A batch larger than what is left is refused whole, every call with the 429.
    const other = newAddress();
    const otherKey = randomKey();
    expect((await probe(other, 'header', otherKey, BURST - 2)).json()[0].result.errors).toHaveLength(1);
    expectRpcRateLimited(await probe(other, 'header', otherKey, 3));
  });

  it('refuses a batch whose calls carry different keys whole, without one lookup, and counts its calls', async () => {
    const address = newAddress();
    const statements = t.database.stats.statements;
    const body = Array.from({ length: 4 }, (_, i) => validateCall(i, i === 2 ? t.adminKey : randomKey()));
    const mixed = await rpc(address, 'none', '', body);
    expect(mixed.statusCode).toBe(200);
    expect(mixed.json()).toHaveLength(4);
    for (const answer of mixed.json()) {
      expect(answer.error).toMatchObject({
        code: -32001,
        data: { code: 'UNAUTHENTICATED' },
        message: expect.stringMatching(/different API keys/),
      });
    }
    expect(t.database.stats.statements).toBe(statements);
    // Four attempts spent: six more fit, the next is refused.
    expect((await probe(address, 'option', randomKey(), BURST - 4)).json()).toHaveLength(BURST - 4);
    expectRpcRateLimited(await probe(address, 'option', randomKey()));
  });

  it('counts per key prefix too, across addresses; a prefix is never refused before its lookup', async () => {
    const prefix = 'Pr3f1x';
    for (let i = 0; i < BURST; i++) expect((await probe(newAddress(), 'option', randomKey(prefix))).json()[0].result).toBeDefined();
    const limited = await probe(newAddress(), 'option', randomKey(prefix));
    expectRpcRateLimited(limited);
    // Other prefixes from a fresh address are unaffected, and the valid key works wherever it comes from.
    expect((await probe(newAddress(), 'option', randomKey('Other1'))).json()[0].result).toBeDefined();
    const good = await probe(newAddress(), 'option', t.adminKey);
    expect(good.json()[0].result.errors).toEqual([]);
  });

  it('keeps a valid key working from an address that probed, once it authenticated elsewhere', async () => {
    const address = newAddress();
    const key = await t.keyWithScopes(['INGEST']);
    await probe(address, 'option', randomKey(), BURST);
    expectRpcRateLimited(await probe(address, 'option', randomKey()));
    // A valid key this instance has not seen yet is not told apart from a guess.
    expectRpcRateLimited(await probe(address, 'path', key));
    expect((await probe(newAddress(), 'path', key)).json()[0].result.errors).toEqual([]);
    expect((await probe(address, 'path', key)).json()[0].result.errors).toEqual([]);
    expectRpcRateLimited(await probe(address, 'option', randomKey()));
  });

  it('counts a key in the query string or in another header as a missing key', async () => {
    const address = newAddress();
    const key = randomKey();
    for (let i = 0; i < BURST / 2; i++) {
      const inQuery = await t.server.app.inject({ method: 'GET', url: `/hightouch/v1/validate?api_key=${key}`, remoteAddress: address });
      expect(inQuery.statusCode).toBe(401);
      const inHeader = await t.server.app.inject({
        method: 'GET',
        url: '/hightouch/v1/validate',
        remoteAddress: address,
        headers: { 'x-api-key': key },
      });
      expect(inHeader.statusCode).toBe(401);
    }
    const limited = await t.server.app.inject({ method: 'GET', url: `/hightouch/v1/validate?key=${key}`, remoteAddress: address });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // On the JSON-RPC path a key in the query string is no key: calls that need none still answer.
    const listed = await rpc(newAddress(), 'none', '', { jsonrpc: '2.0', id: 1, method: 'list_objects' }, {});
    expect(listed.json().result.objects).toHaveLength(3);
  });

  it('counts every refusal in one metric, by how the key arrived and how it was answered', async () => {
    const metrics = (await t.server.app.inject({ method: 'GET', url: '/metrics' })).body;
    const count = (via: string, outcome: string) =>
      Number(new RegExp(`^api_key_refusals_total\\{via="${via}",outcome="${outcome}"\\} (\\d+)`, 'm').exec(metrics)?.[1] ?? 0);
    for (const via of ['option', 'header', 'path', 'none']) expect(count(via, 'unauthenticated'), via).toBeGreaterThan(0);
    for (const via of ['option', 'header', 'path']) expect(count(via, 'rate_limited'), via).toBeGreaterThan(0);
    expect(metrics).not.toMatch(/cor_[0-9A-Za-z]{6}/);
  });
});

/** Ways to write a key in a URL that a decoder reads back as the key. */
const ENCODINGS: Record<string, (key: string) => string> = {
  'percent-encoded _': (key) => key.replace('cor_', 'cor%5F'),
  'lower-case hex': (key) => key.replace('cor_', 'cor%5f'),
  'encoded prefix %63or_': (key) => key.replace('cor_', '%63or_'),
  'every prefix byte, mixed-case hex': (key) => key.replace('cor_', '%63%6f%72%5F'),
  'double encoding': (key) => key.replace('cor_', 'cor%255F'),
  'encoded tail': (key) => `cor_${[...key.slice(4)].map((c, i) => (i % 3 === 0 ? `%${c.charCodeAt(0).toString(16)}` : c)).join('')}`,
};

describe('redactSecrets (pure)', () => {
  it('redacts what decodes to a key, and only that; the result holds only characters of the input', () => {
    const cases: Array<[string, string]> = [
      ['/hightouch/v1/rpc/cor_AbC123xyz', '/hightouch/v1/rpc/cor_[redacted]'],
      ['/rpc/cor%5FAbC123/x', '/rpc/[redacted]/x'],
      ['/rpc/cor%5fAbC123', '/rpc/[redacted]'],
      ['/rpc/%63or_AbC123', '/rpc/[redacted]'],
      ['/rpc/%63%6F%72%5fAbC', '/rpc/[redacted]'],
      ['/rpc/cor%255FAbC123', '/rpc/[redacted]'],
      ['/rpc/cor%25255FAbC123', '/rpc/[redacted]'],
      ['key=cor_Ab+Cd+Ef', 'key=cor_[redacted]'],
      ['x%63or_AbCcor_Def', '[redacted]'],
      ['"%22cor_AbC"', '"%22cor_[redacted]"'],
      ['Unexpected token, "{"q": cor_AbC1" is not valid JSON', 'Unexpected token, "{"q": cor_[redacted]" is not valid JSON'],
      ['/hightouch/v1/objects/account/upsert?rejected=fail', '/hightouch/v1/objects/account/upsert?rejected=fail'],
      ['c%6Fr-AbC %ZZ cor', 'c%6Fr-AbC %ZZ cor'],
    ];
    for (const [text, redacted] of cases) expect(redactSecrets(text), text).toBe(redacted);
  });
});

describe('keys are redacted after decoding, on every status', () => {
  let t: TestApp;
  /** Every response body the probes got. */
  const bodies: Array<{ probe: string; status: number; body: string }> = [];
  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'debug', RATE_LIMIT_UNAUTHENTICATED_PER_SECOND: '0', MAX_BODY_BYTES: '2048' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const send = async (probe: string, request: InjectOptions) => {
    const response = await t.server.app.inject(request);
    bodies.push({ probe, status: response.statusCode, body: response.body });
    return response;
  };
  /** The secret and its fragments long enough to matter, in every spelling the probes used. */
  const leaks = (text: string) => {
    const tail = t.adminKey.slice(4);
    return [tail, tail.slice(0, 12), tail.slice(-12), tail.slice(12, 24)].filter((fragment) => text.includes(fragment));
  };

  it.each(Object.entries(ENCODINGS))('%s: the key in the RPC URL authenticates, and never comes back', async (name, encode) => {
    const path = encode(t.adminKey);
    const call = { jsonrpc: '2.0', id: 1, method: 'validate', params: { configuration: configuration() } };
    const post = await send(name, {
      method: 'POST',
      url: `/hightouch/v1/rpc/${path}`,
      headers: { 'content-type': 'application/json' },
      payload: call,
    });
    // Double encoding is decoded once by Fastify: that key is wrong, and says so without repeating it.
    const valid = name !== 'double encoding';
    expect(post.json().result.errors).toEqual(valid ? [] : [expect.stringMatching(/invalid, revoked or expired/)]);

    expect((await send(name, { method: 'GET', url: `/hightouch/v1/rpc/${path}` })).statusCode).toBe(405);
    expect((await send(name, { method: 'DELETE', url: `/hightouch/v1/rpc/${path}?x=${path}` })).statusCode).toBe(405);
    for (const url of [`/hightouch/v1/rpc/${path}/x`, `/hightouch/v1/${path}`, `/nowhere/${path}`, `/graphql/${path}`, `/${path}`]) {
      const missing = await send(name, { method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: '{}' });
      expect(missing.statusCode, url).toBe(404);
      expect(missing.body).not.toContain(path);
      expect(missing.body).not.toContain('nowhere');
    }
    const object = await send(name, {
      method: 'POST',
      url: `/hightouch/v1/objects/${path}/upsert`,
      headers: { authorization: `Bearer ${t.adminKey}`, 'content-type': 'application/json' },
      payload: { records: [] },
    });
    expect(object.statusCode).toBe(404);
    const tooLarge = await send(name, {
      method: 'POST',
      url: `/hightouch/v1/objects/${path}/upsert`,
      headers: { authorization: `Bearer ${t.adminKey}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ records: [{ pad: 'x'.repeat(4096) }] }),
    });
    expect(tooLarge.statusCode).toBe(413);
  });

  it('redacts a key quoted by a 400 (JSON syntax), a 415 (Content-Encoding) and a JSON-RPC parse error', async () => {
    for (const encode of [(key: string) => key, ...Object.values(ENCODINGS)]) {
      const spelled = encode(t.adminKey);
      const syntax = await send('syntax', {
        method: 'POST',
        url: '/hightouch/v1/objects/account/upsert',
        headers: { authorization: `Bearer ${t.adminKey}`, 'content-type': 'application/json' },
        payload: `{"records": ${spelled}}`,
      });
      expect(syntax.statusCode).toBe(400);
      const graphql = await send('graphql syntax', {
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json' },
        payload: `{"query": ${spelled}}`,
      });
      expect(graphql.statusCode).toBe(400);
      const encoding = await send('content-encoding', {
        method: 'POST',
        url: '/hightouch/v1/objects/account/upsert',
        headers: { authorization: `Bearer ${t.adminKey}`, 'content-type': 'application/json', 'content-encoding': spelled },
        payload: '{"records":[]}',
      });
      expect(encoding.statusCode).toBe(415);
      const rpcSyntax = await send('rpc syntax', {
        method: 'POST',
        url: '/hightouch/v1/rpc',
        headers: { 'content-type': 'application/json' },
        payload: `[{"jsonrpc":"2.0","id":1,"method":${spelled}}]`,
      });
      expect(rpcSyntax.json().error.code).toBe(-32700);
      const unknownMethod = await send('rpc method', {
        method: 'POST',
        url: '/hightouch/v1/rpc',
        headers: { 'content-type': 'application/json' },
        payload: { jsonrpc: '2.0', id: 1, method: spelled, params: { [spelled]: 1 } },
      });
      expect(unknownMethod.json().error.code).toBe(-32601);
    }
    const quoted = bodies.filter((b) => ['syntax', 'graphql syntax', 'content-encoding', 'rpc syntax', 'rpc method'].includes(b.probe));
    expect(quoted).toHaveLength(35);
    for (const { probe, body } of quoted) expect({ probe, leaks: leaks(body) }).toEqual({ probe, leaks: [] });
    expect(leaks(t.logs.join(''))).toEqual([]);
  });

  it('redacts a key in the message of an unexpected error (500) from the log, and answers without details', async () => {
    const execute = t.server.execute;
    t.server.execute = async () => {
      throw new Error(`boom near ${ENCODINGS['encoded prefix %63or_']!(t.adminKey)} and ${t.adminKey}`);
    };
    try {
      const failed = await send('500', {
        method: 'POST',
        url: '/hightouch/v1/objects/account/upsert',
        headers: { authorization: `Bearer ${t.adminKey}`, 'content-type': 'application/json' },
        payload: { records: [{ account_id: 'a', company_name: 'A' }] },
      });
      expect(failed.statusCode).toBe(500);
      expect(t.logs.join('')).toContain('boom near');
      expect(leaks(t.logs.join(''))).toEqual([]);
      expect(failed.json().error).toEqual({ code: 'INTERNAL', message: 'Internal server error.' });
    } finally {
      t.server.execute = execute;
    }
  });

  it('no response body, log line or metric label holds the key', async () => {
    expect(bodies.length).toBeGreaterThan(50);
    expect(new Set(bodies.map((b) => b.status))).toEqual(new Set([200, 400, 404, 405, 413, 415, 500]));
    for (const { probe, status, body } of bodies) expect({ probe, status, leaks: leaks(body) }).toEqual({ probe, status, leaks: [] });
    for (const line of t.logs) expect({ line: line.slice(0, 300), leaks: leaks(line) }).toEqual({ line: line.slice(0, 300), leaks: [] });
    expect(t.logs.some((line) => line.includes('[redacted]'))).toBe(true);
    const metrics = (await t.server.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(leaks(metrics)).toEqual([]);
  });
});
