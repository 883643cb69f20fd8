import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jayson from 'jayson/promise/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { storedAccounts } from './client.ts';

// A stock jayson client (the library of Hightouch's public example servers) against the real
// server over HTTP: every refusal must reach it with its reason and whether to retry. This is the
// test the JSON-RPC status codes were decided by (src/hightouch/jsonrpc.ts): jayson reads a
// JSON-RPC error only from a 2xx response; on any other status it rejects with an Error whose
// message is the raw body and whose code is the HTTP status.

interface RpcResponse {
  result?: any;
  error?: {
    code: number;
    message: string;
    data?: { code: string; retryable: boolean; retryAfterSeconds?: number } & Record<string, unknown>;
  };
}

const configuration = {
  identifierMapping: { from: 'ACCT_ID', to: 'account_id' },
  mappings: [{ from: 'COMPANY', to: 'company_name' }],
};
const rows = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ ACCT_ID: `${prefix}-${i}`, COMPANY: 'Co' }));

let t: TestApp;
let base: string;

const client = (key: string, via: 'header' | 'url' = 'header') => {
  const url = new URL(via === 'url' ? `${base}/hightouch/v1/rpc/${key}` : `${base}/hightouch/v1/rpc`);
  return jayson.client.http({
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    ...(via === 'header' ? { headers: { authorization: `Bearer ${key}` } } : {}),
  } as never);
};
const request = (c: ReturnType<typeof client>, method: string, params: unknown) =>
  c.request(method, params as never) as Promise<RpcResponse>;

beforeAll(async () => {
  t = await createTestApp({
    MAX_BATCH_RECORDS: '5',
    MAX_RPC_BATCH_CALLS: '3',
    RATE_LIMIT_INGEST_PER_SECOND: '0.01',
    RATE_LIMIT_INGEST_BURST: '4',
  });
  await t.server.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.server.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await t?.close();
});

describe('a stock jayson client sees every refusal, and whether to retry it', () => {
  it('succeeds normally (the baseline)', async () => {
    const key = await t.keyWithScopes(['INGEST']);
    const answer = await request(client(key), 'add', { idColumn: 'ACCT_ID', configuration, rows: rows(2, 'ok') });
    expect(answer).toMatchObject({ result: { rejectedRows: [] } });
    expect(Object.keys(await storedAccounts(t, t.workspaceId))).toEqual(['ok-0', 'ok-1']);
  });

  it('over the record limit: final (one call, or the rows of several calls together, or too many calls)', async () => {
    const key = await t.keyWithScopes(['INGEST']);
    const one = await request(client(key), 'add', { idColumn: 'ACCT_ID', configuration, rows: rows(6, 'big') });
    expect(one.error).toMatchObject({
      code: -32013,
      message: 'A request may carry at most 5 records; this one has 6.',
      data: { code: 'BATCH_TOO_LARGE', retryable: false, maximum: 5, received: 6 },
    });

    const c = client(key);
    const batch = (await c.request([
      c.request('add', { idColumn: 'ACCT_ID', configuration, rows: rows(3, 'split-a') }, undefined, false),
      c.request('change', { idColumn: 'ACCT_ID', configuration, rows: rows(3, 'split-b') }, undefined, false),
    ] as never)) as RpcResponse[];
    expect(batch.map((r) => r.error?.data)).toEqual([
      expect.objectContaining({ code: 'BATCH_TOO_LARGE', retryable: false, received: 6 }),
      expect.objectContaining({ code: 'BATCH_TOO_LARGE', retryable: false, received: 6 }),
    ]);

    const calls = (await c.request(
      Array.from({ length: 4 }, () => c.request('list_objects', {}, undefined, false)) as never,
    )) as RpcResponse;
    expect(calls.error).toMatchObject({
      code: -32013,
      data: { code: 'BATCH_TOO_LARGE', retryable: false, maximumCalls: 3, receivedCalls: 4 },
    });
    expect(Object.keys(await storedAccounts(t, t.workspaceId)).filter((id) => /^(big|split)/.test(id))).toEqual([]);
  });

  it('forbidden and unauthenticated: final, on the header and the URL path alike', async () => {
    const readOnly = await t.keyWithScopes(['READ']);
    for (const via of ['header', 'url'] as const) {
      const forbidden = await request(client(readOnly, via), 'add', { idColumn: 'ACCT_ID', configuration, rows: rows(1, 'ro') });
      expect(forbidden.error, via).toMatchObject({
        code: -32003,
        message: 'This API key lacks the INGEST scope.',
        data: { code: 'FORBIDDEN', retryable: false },
      });
      const unknown = await request(client('cor_0000000000000000000000000000000000000000000', via), 'add', {
        idColumn: 'ACCT_ID',
        configuration,
        rows: rows(1, 'nokey'),
      });
      expect(unknown.error, via).toMatchObject({ code: -32001, data: { code: 'UNAUTHENTICATED', retryable: false } });
      expect(unknown.error?.message, via).toContain('API key');
    }
  });

  it('rate limited: retryable, with the delay', async () => {
    const key = await t.keyWithScopes(['INGEST']);
    const c = client(key, 'url');
    for (let i = 0; i < 4; i++) expect((await request(c, 'list_objects', {})).error).toBeUndefined();
    const limited = await request(c, 'list_objects', {});
    expect(limited.error).toMatchObject({
      code: -32029,
      data: { code: 'RATE_LIMITED', retryable: true, retryAfterSeconds: expect.any(Number) },
    });
    expect(limited.error?.message).toMatch(/^Too many ingest requests for this API key; retry in \d+ s\.$/);
  });

  it('database unavailable: retryable, nothing stored', async () => {
    const key = await t.keyWithScopes(['INGEST']);
    const c = client(key);
    await t.database.close();
    const down = await request(c, 'add', { idColumn: 'ACCT_ID', configuration, rows: rows(1, 'down') });
    expect(down.error).toMatchObject({
      code: -32053,
      message: 'The database is unavailable; nothing of this request was stored. Retry later.',
      data: { code: 'SERVICE_UNAVAILABLE', retryable: true, retryAfterSeconds: 5 },
    });
  });
});

describe('why refusals are not sent with a 4xx/5xx status', () => {
  it('jayson turns a non-2xx answer into a bare Error: the error object, its code and data are lost', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, error: { code: -32053, message: 'down', data: { retryable: true } } });
    const server = http.createServer((_req, res) => res.writeHead(503, { 'content-type': 'application/json' }).end(body));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const failure = await jayson.client
        .http({ hostname: '127.0.0.1', port } as never)
        .request('add', {})
        .then(
          () => undefined,
          (error: Error & { code?: unknown; data?: unknown }) => error,
        );
      expect(failure).toBeInstanceOf(Error);
      expect(failure?.code).toBe(503);
      expect(failure?.message).toBe(body);
      expect(failure?.data).toBeUndefined();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
