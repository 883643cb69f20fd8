import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { jsonDepthExceeds, parseJson } from '../../src/http/body.ts';
import { suiteApp } from '../support/harness.ts';

// Refusals happen before GraphQL runs and always come back as 4xx JSON in the GraphQL error shape.

const t = suiteApp({ MAX_BODY_BYTES: '8192' });

async function post(payload: string | Buffer, contentType: string | null = 'application/json') {
  const response = await t.server.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { ...(contentType ? { 'content-type': contentType } : {}), authorization: `Bearer ${t.adminKey}` },
    payload,
  });
  let body: any;
  expect(() => {
    body = response.json();
  }).not.toThrow();
  return { status: response.statusCode, body, headers: response.headers };
}

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { v: value };
  return value;
}

const VIEWER = '{ viewer { scopes } }';

describe('request bodies', () => {
  it('refuses bodies over MAX_BODY_BYTES with a 413 JSON error on /graphql', async () => {
    const res = await post(JSON.stringify({ query: VIEWER, variables: { pad: 'x'.repeat(10_000) } }));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({
      errors: [{ message: 'The request body is larger than 8192 bytes.', extensions: { code: 'PAYLOAD_TOO_LARGE', maximumBytes: 8192 } }],
    });
  });

  it('refuses JSON nested deeper than 64 levels with 400 JSON_TOO_DEEP, accepts 60', async () => {
    const deep = await post(JSON.stringify({ query: VIEWER, variables: { x: nested(64) } }));
    expect(deep.status).toBe(400);
    expect(deep.body.errors[0].extensions.code).toBe('JSON_TOO_DEEP');
    // Pathological nesting far beyond the limit costs a linear scan, not a stack overflow.
    const absurd = await post(`{"query":"{ viewer { scopes } }","variables":{"x":${'['.repeat(3000)}${']'.repeat(3000)}}}`);
    expect(absurd.status).toBe(400);
    const fine = await post(JSON.stringify({ query: VIEWER, variables: { x: nested(60) } }));
    expect(fine.status).toBe(200);
    expect(fine.body.data.viewer.scopes).toContain('ADMIN');
  });

  it('removes __proto__ (also \\u-escaped) and constructor.prototype keys; nothing is polluted', async () => {
    const payload = `{"query":"{ viewer { scopes } }","__proto__":{"polluted":"yes"},"variables":{"a":{"__proto__":{"polluted":"yes"}},"b":{"\\u005f_proto__":{"polluted":"yes"}},"c":{"constructor":{"prototype":{"polluted":"yes"}}},"constructor":"kept"}}`;
    const res = await post(payload);
    expect(res.status).toBe(200);
    expect(res.body.data.viewer.scopes).toContain('ADMIN');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');

    const parsed = parseJson(payload, 64) as Record<string, any>;
    expect(Object.keys(parsed)).toEqual(['query', 'variables']);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(parsed.variables).toEqual({ a: {}, b: {}, c: {}, constructor: 'kept' });
    expect(Object.hasOwn(parsed.variables.a, '__proto__')).toBe(false);
  });

  it('refuses invalid UTF-8 with 400 INVALID_UTF8 instead of storing replacement characters', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"query":"{ viewer { scopes } }","variables":{"x":"'),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('"}}'),
    ]);
    const res = await post(bytes);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('INVALID_UTF8');
    // A byte-order mark is tolerated.
    const bom = await post(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ query: VIEWER }))]));
    expect(bom.status).toBe(200);
  });

  it('refuses malformed and empty JSON with 400 INVALID_JSON', async () => {
    for (const payload of ['{"query": ', '', '   ', 'nul', '{"query":"{ viewer { scopes } }"} trailing']) {
      const res = await post(payload);
      expect(res.status, payload).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe('INVALID_JSON');
    }
  });

  it('refuses other content types and charsets cleanly (4xx JSON, never 5xx)', async () => {
    const body = JSON.stringify({ query: VIEWER });
    const cases: Array<[string, number]> = [
      ['application/xml', 415],
      ['multipart/form-data; boundary=x', 415],
      ['application/x-www-form-urlencoded', 415],
      ['application/json; charset=utf-16', 415],
      ['text/plain', 400],
      ['application/graphql', 415],
    ];
    for (const [contentType, status] of cases) {
      const res = await post(body, contentType);
      expect(res.status, contentType).toBe(status);
      expect(res.body.errors[0].extensions.code, contentType).toBeTruthy();
    }
    const noType = await post(body, null);
    expect(noType.status).toBe(415);
    expect((await post(body, 'application/json; charset=UTF-8')).status).toBe(200);
  });

  it('answers JSON for JSON bodies that are not GraphQL requests', async () => {
    for (const payload of ['[]', '1', '"x"', 'null', '{}', '{"query": 42}', '{"query": "{ viewer { scopes } }", "variables": "x"}']) {
      const res = await post(payload);
      expect(res.status, payload).toBeGreaterThanOrEqual(400);
      expect(res.status, payload).toBeLessThan(500);
      expect(res.body.errors.length, payload).toBeGreaterThan(0);
    }
  });
});

describe('request bodies on the Hightouch routes (same rules, adapter error shapes)', () => {
  const rest = (payload: string | Buffer, url = '/hightouch/v1/objects/event/insert') =>
    t.server.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminKey}` },
      payload,
    });

  it('refuses deep JSON and invalid UTF-8 with 400 INVALID_PAYLOAD (REST) and a parse error (JSON-RPC)', async () => {
    const deep = await rest(JSON.stringify({ records: [{ event_name: 'x', user_id: 'u', timestamp: 1_767_225_600, nested: nested(70) }] }));
    expect(deep.statusCode).toBe(400);
    expect(deep.json().error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { reason: 'JSON_TOO_DEEP' } });
    const bytes = await rest(Buffer.concat([Buffer.from('{"records":[{"event_name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]}')]));
    expect(bytes.statusCode).toBe(400);
    expect(bytes.json().error.details.reason).toBe('INVALID_UTF8');
    const rpc = await rest(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'list_objects', params: nested(70) }), '/hightouch/v1/rpc');
    expect(rpc.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
  });

  it('stores a row whose columns include __proto__ and constructor without touching any prototype', async () => {
    const payload = `{"records":[{"event_name":"Proto","user_id":"u","timestamp":1767225600,"event_id":"proto-1","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"plain":1}]}`;
    const res = await rest(payload);
    expect(res.statusCode).toBe(200);
    expect(res.json().results[0].status).toBe('created');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const stored = await rows<{ properties: unknown }>(t.database.db, sql`select properties from events where event_id = 'proto-1'`);
    expect(stored).toEqual([{ properties: { plain: 1 } }]);
  });
});

describe('JSON depth scan (pure)', () => {
  it('ignores brackets inside strings, including escaped quotes', () => {
    expect(jsonDepthExceeds('{"a":"[[[[[[[[[[[[","b":"\\"[[[[["}', 2)).toBe(false);
    expect(jsonDepthExceeds('[[[]]]', 2)).toBe(true);
    expect(jsonDepthExceeds('[[],[],[[]]]', 3)).toBe(false);
  });
});
