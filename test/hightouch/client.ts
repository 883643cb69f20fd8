import { gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { beforeAll, expect } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { suiteApp, type TestApp } from '../support/harness.ts';

export interface HttpResponse {
  status: number;
  headers: Record<string, unknown>;
  body: any;
  raw: string;
}

export interface RequestOptions {
  /** API key; null sends none; default: workspace A's admin key. */
  key?: string | null;
  /** JSON-encoded unless `raw` is given. */
  body?: unknown;
  raw?: string | Buffer;
  gzip?: boolean;
  headers?: Record<string, string>;
}

/** Raw HTTP against /hightouch/v1 of a test app. */
export function hightouch(t: TestApp) {
  const request = async (method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> => {
    const key = options.key === undefined ? t.adminKey : options.key;
    let payload: string | Buffer | undefined = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const headers: Record<string, string> = {
      ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    };
    if (options.gzip && payload !== undefined) {
      payload = gzipSync(payload);
      headers['content-encoding'] = 'gzip';
    }
    const response = await t.server.app.inject({
      method: method as 'GET',
      url: `/hightouch/v1${path}`,
      headers: { ...headers, ...options.headers },
      ...(payload !== undefined ? { payload } : {}),
    });
    let body: unknown;
    try {
      body = response.body === '' ? undefined : JSON.parse(response.body);
    } catch {
      body = undefined;
    }
    return { status: response.statusCode, headers: response.headers, body, raw: response.body };
  };
  let nextId = 1;
  return {
    request,
    get: (path: string, options?: RequestOptions) => request('GET', path, options),
    post: (path: string, body: unknown, options?: RequestOptions) => request('POST', path, { ...options, body }),
    /** One JSON-RPC call; returns the HTTP response (body = the JSON-RPC response). */
    rpc: (method: string, params?: unknown, options?: RequestOptions) =>
      request('POST', '/rpc', { ...options, body: { jsonrpc: '2.0', id: nextId++, method, ...(params === undefined ? {} : { params }) } }),
  };
}

/** Stored state, read straight from the tables (the stored-data contract), for one workspace. */
export async function storedAccounts(t: TestApp, workspaceId: string): Promise<Record<string, Record<string, unknown>>> {
  const list = await rows<{ id: string; dims: Record<string, unknown> }>(
    t.database.db,
    sql`select id, dims from accounts where workspace_id = ${workspaceId} order by id`,
  );
  return Object.fromEntries(list.map((row) => [row.id, row.dims]));
}

export async function storedUsers(t: TestApp, workspaceId: string): Promise<Record<string, Record<string, unknown>>> {
  const list = await rows<{ id: string; dims: Record<string, unknown> }>(
    t.database.db,
    sql`select id, dims from users where workspace_id = ${workspaceId} order by id`,
  );
  return Object.fromEntries(list.map((row) => [row.id, row.dims]));
}

export async function storedEvents(t: TestApp, workspaceId: string) {
  return rows<{ name: string; user_id: string; account_id: string | null; occurred_at: string; properties: Record<string, unknown> }>(
    t.database.db,
    sql`select name, user_id, account_id, occurred_at::text as occurred_at, properties from events where workspace_id = ${workspaceId} order by occurred_at, name`,
  );
}

/**
 * The app of a JSON-RPC test file (`suiteApp`) with a key of the INGEST scope (`suite.key`, made
 * before the file's tests), and its calls: `rpc` (the HTTP response; `options.key` another key, or
 * null for none), `call` (the JSON-RPC response, asserting HTTP 200) and `result` (its result,
 * asserting no JSON-RPC error).
 */
export function rpcSuite() {
  const t = suiteApp();
  const ht = hightouch(t);
  const suite = {
    t,
    ht,
    key: '',
    rpc: (method: string, params?: unknown, options: { key?: string | null } = {}) =>
      ht.rpc(method, params, { key: options.key === undefined ? suite.key : options.key }),
    async call(method: string, params?: unknown) {
      const res = await suite.rpc(method, params);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as { result?: any; error?: { code: number; message: string; data?: any } };
    },
    async result(method: string, params?: unknown) {
      const body = await suite.call(method, params);
      expect(body.error, JSON.stringify(body.error)).toBeUndefined();
      return body.result;
    },
  };
  beforeAll(async () => {
    suite.key = await t.keyWithScopes(['INGEST']);
  });
  return suite;
}
