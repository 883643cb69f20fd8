import { deflateSync, gzipSync } from 'node:zlib';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src/context.ts';
import { AppError } from '../../src/errors.ts';
import { HightouchTrackEventsDocument } from '../../src/hightouch/gql/graphql.ts';
import { ROUTE_SCHEMAS } from '../../src/hightouch/schemas.ts';
import { createTestApp, suiteApp, type TestApp } from '../support/harness.ts';
import { hightouch, storedAccounts, storedEvents, storedUsers } from './client.ts';

const t = suiteApp();
let ht: ReturnType<typeof hightouch>;
let ingestKey: string;
let readKey: string;

beforeAll(async () => {
  ht = hightouch(t);
  ingestKey = await t.keyWithScopes(['INGEST']);
  readKey = await t.keyWithScopes(['READ']);
});

const errorCode = (response: { body: any }) => response.body?.error?.code;

describe('typed operations executed in-process (what the adapter runs)', () => {
  const contextOf = async (key: string) => {
    const principal = await t.server.authenticateKey(key);
    if (!principal) throw new Error('the test key does not authenticate');
    return createContext(t.server.deps, principal);
  };

  it('return the typed data, or the very AppError the mutation raised (scope and record limit checked where it runs)', async () => {
    // A workspace of its own, so the counts of the other tests stay as they are.
    const writer = (await t.newWorkspace('typed operations')).adminKey;
    const event = { name: 'Typed Op', timestamp: '2026-11-28T09:30:00Z', userId: 'typed-user' };
    const stored = await t.server.execute(await contextOf(writer), HightouchTrackEventsDocument, { input: { records: [event] } });
    expect(stored.payload).toMatchObject({ received: 1, created: 1, results: [{ index: 0, status: 'CREATED', errors: [] }] });

    const forbidden = await t.server
      .execute(await contextOf(readKey), HightouchTrackEventsDocument, { input: { records: [event] } })
      .catch((error: unknown) => error);
    expect(forbidden).toBeInstanceOf(AppError);
    expect(forbidden).toMatchObject({ status: 403, code: 'FORBIDDEN', details: { requiredScope: 'INGEST' } });

    const tooMany = Array.from({ length: t.config.limits.maxBatchRecords + 1 }, () => null);
    const refused = await t.server
      .execute(await contextOf(writer), HightouchTrackEventsDocument, { input: { records: tooMany } })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 413, code: 'BATCH_TOO_LARGE', details: { maximum: t.config.limits.maxBatchRecords } });
  });
});

describe('REST: connection and schema', () => {
  it('validates a key: workspace and scopes', async () => {
    const res = await ht.get('/validate', { key: ingestKey });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, workspace: { id: t.workspaceId, name: 'A' }, scopes: ['INGEST'] });
  });

  it('refuses missing, malformed and unknown keys with 401 and the error envelope', async () => {
    for (const key of [null, 'nonsense', `cor_${'A'.repeat(43)}`]) {
      const res = await ht.get('/validate', { key });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
    }
    const write = await ht.post('/objects/account/upsert', { records: [{ account_id: 'x', company_name: 'X' }] }, { key: null });
    expect(write.status).toBe(401);
  });

  it('lists the objects with identifiers and modes', async () => {
    const res = await ht.get('/objects', { key: ingestKey });
    expect(res.status).toBe(200);
    expect(res.body.objects).toEqual([
      { id: 'account', label: 'Account', identifier: 'account_id', modes: ['upsert', 'update', 'delete'] },
      { id: 'user', label: 'User', identifier: 'user_id', modes: ['upsert', 'update', 'delete'] },
      { id: 'event', label: 'Event', identifier: null, modes: ['insert'] },
    ]);
  });

  it('lists default fields in Hightouch vocabulary, then the custom fields already known', async () => {
    const before = await ht.get('/objects/account/fields', { key: ingestKey });
    expect(before.status).toBe(200);
    expect(before.body.fields[0]).toEqual({
      id: 'account_id',
      label: 'Account ID',
      type: 'STRING',
      identifier: true,
      required: true,
      default: true,
    });
    expect(before.body.fields).toContainEqual({
      id: 'company_name',
      label: 'Company Name',
      type: 'STRING',
      identifier: false,
      required: true,
      default: true,
    });
    // EMAIL is a string to Hightouch.
    expect(before.body.fields).toContainEqual(expect.objectContaining({ id: 'owner_email', type: 'STRING' }));
    expect(before.body.fields.every((f: { default: boolean }) => f.default)).toBe(true);

    await ht.post('/objects/account/upsert', { records: [{ account_id: 'f1', company_name: 'F', csm_email: 'c@f.com', health: 7 }] });
    const after = await ht.get('/objects/account/fields', { key: ingestKey });
    const custom = after.body.fields.filter((f: { default: boolean }) => !f.default);
    expect(custom).toEqual([
      { id: 'csm_email', label: expect.any(String), type: 'STRING', identifier: false, required: false, default: false },
      { id: 'health', label: expect.any(String), type: 'NUMBER', identifier: false, required: false, default: false },
    ]);
    const events = await ht.get('/objects/event/fields', { key: ingestKey });
    expect(events.body.fields.map((f: { id: string }) => f.id)).toEqual(['event_name', 'timestamp', 'user_id', 'account_id', 'event_id']);
    const users = await ht.get('/objects/user/fields', { key: ingestKey });
    expect(users.body.fields.filter((f: { identifier: boolean }) => f.identifier).map((f: { id: string }) => f.id)).toEqual(['user_id']);
  });

  it('declares custom fields: 201, idempotent, 409 on another type, 400 on bad input, 403 without INGEST', async () => {
    const created = await ht.post('/objects/user/fields', { id: 'nps', label: 'NPS', type: 'NUMBER' }, { key: ingestKey });
    expect(created.status).toBe(201);
    expect(created.body.field).toEqual({ id: 'nps', label: 'NPS', type: 'NUMBER', identifier: false, required: false, default: false });
    expect((await ht.post('/objects/user/fields', { id: 'nps', type: 'NUMBER' }, { key: ingestKey })).status).toBe(201);

    const conflict = await ht.post('/objects/user/fields', { id: 'nps', type: 'STRING' }, { key: ingestKey });
    expect(conflict.status).toBe(409);
    expect(errorCode(conflict)).toBe('CONFLICT');

    const badType = await ht.post('/objects/user/fields', { id: 'x', type: 'ENUM' }, { key: ingestKey });
    expect(badType.status).toBe(400);
    expect(badType.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { problems: [expect.stringContaining('type')] } });
    const reserved = await ht.post('/objects/user/fields', { id: 'email', type: 'STRING' }, { key: ingestKey });
    expect(reserved.status).toBe(400);

    expect((await ht.post('/objects/user/fields', { id: 'y', type: 'STRING' }, { key: readKey })).status).toBe(403);
    expect((await ht.post('/objects/nope/fields', { id: 'y', type: 'STRING' })).status).toBe(404);

    const listed = await ht.get('/objects/user/fields', { key: ingestKey });
    expect(listed.body.fields).toContainEqual(expect.objectContaining({ id: 'nps', type: 'NUMBER', default: false }));
    // A declared type is enforced on records, reported under the REST field id.
    const write = await ht.post('/objects/user/upsert', { records: [{ user_id: 'u-nps', email: 'n@x.com', nps: 'high' }] });
    expect(write.body.results[0]).toMatchObject({ status: 'rejected', errors: [{ field: 'nps', code: 'TYPE_MISMATCH' }] });
  });
});

describe('REST: writing records', () => {
  it('upserts accounts with per-record results and a summary', async () => {
    const res = await ht.post(
      '/objects/account/upsert',
      {
        records: [
          { account_id: 'a1', company_name: 'Acme', seats: '25', plan: 'pro', lifecycle_stage: 'customer', region: null },
          { account_id: 'a2', company_name: 'Beta', seats: 'many' },
          { account_id: 'a3' },
          'not a record',
        ],
      },
      { key: ingestKey },
    );
    expect(res.status).toBe(200);
    expect(res.body.summary).toEqual({
      received: 4,
      created: 1,
      updated: 0,
      unchanged: 0,
      duplicate: 0,
      deleted: 0,
      not_found: 0,
      rejected: 3,
    });
    expect(res.body.results[0]).toEqual({ index: 0, id: 'a1', status: 'created', errors: [] });
    expect(res.body.results[1]).toMatchObject({
      index: 1,
      id: 'a2',
      status: 'rejected',
      errors: [{ field: 'seats', code: 'TYPE_MISMATCH' }],
    });
    expect(res.body.results[2]).toMatchObject({ status: 'rejected', errors: [{ field: 'company_name', code: 'REQUIRED' }] });
    expect(res.body.results[3]).toMatchObject({ index: 3, status: 'rejected', errors: [{ code: 'INVALID_RECORD' }] });

    const stored = await storedAccounts(t, t.workspaceId);
    expect(stored.a1).toEqual({ name: 'Acme', seats: 25, plan: 'pro', lifecycle_stage: 'customer' });
    expect(stored.a2).toBeUndefined();

    const again = await ht.post('/objects/account/upsert', { records: [{ account_id: 'a1', company_name: 'Acme', seats: 25 }] });
    expect(again.body.results[0].status).toBe('unchanged');
    const cleared = await ht.post('/objects/account/upsert', { records: [{ account_id: 'a1', plan: null }] });
    expect(cleared.body.results[0].status).toBe('updated');
    expect((await storedAccounts(t, t.workspaceId)).a1).toEqual({ name: 'Acme', seats: 25, lifecycle_stage: 'customer' });
  });

  it('answers 200 even when every record is rejected, with errors in REST field ids', async () => {
    const res = await ht.post('/objects/user/upsert', [
      { user_id: 'u1', email: 'not-an-email' },
      { user_id: 'u2', email: 'b@x.com', last_seen_at: 'yesterday' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.summary.rejected).toBe(2);
    expect(res.body.results[0].errors).toEqual([{ field: 'email', code: 'INVALID_EMAIL', message: expect.any(String) }]);
    expect(res.body.results[1].errors).toEqual([{ field: 'last_seen_at', code: 'INVALID_TIMESTAMP', message: expect.any(String) }]);
  });

  it('accepts a bare array and a single record object (a one-row HTTP Request template)', async () => {
    const single = await ht.post('/objects/user/upsert', { user_id: 'u3', email: 'u3@x.com', account_id: 'a1', first_name: 'Ada' });
    expect(single.status).toBe(200);
    expect(single.body.results).toEqual([{ index: 0, id: 'u3', status: 'created', errors: [] }]);
    const users = await storedUsers(t, t.workspaceId);
    expect(users.u3).toEqual({ email: 'u3@x.com', accountId: 'a1', firstName: 'Ada' });
  });

  it('update mode never creates: unknown IDs are not_found', async () => {
    const res = await ht.post('/objects/account/update', {
      records: [
        { account_id: 'a1', plan: 'enterprise' },
        { account_id: 'ghost', plan: 'x' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['updated', 'not_found']);
    expect(res.body.summary.not_found).toBe(1);
    expect(Object.keys(await storedAccounts(t, t.workspaceId))).not.toContain('ghost');
  });

  it('deletes by identifier', async () => {
    await ht.post('/objects/account/upsert', [{ account_id: 'd1', company_name: 'Doomed' }]);
    const res = await ht.post('/objects/account/delete', {
      records: [{ account_id: 'd1' }, { account_id: 'never' }, { company_name: 'no id' }],
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['deleted', 'not_found', 'rejected']);
    expect(res.body.summary).toMatchObject({ received: 3, deleted: 1, not_found: 1, rejected: 1 });
    expect(Object.keys(await storedAccounts(t, t.workspaceId))).not.toContain('d1');
  });

  it('inserts events once: a replay is duplicate; extra keys and a properties object become properties', async () => {
    const batch = {
      records: [
        { event_name: 'Signed In', timestamp: '2026-01-05T10:00:00Z', user_id: 'u3', browser: 'firefox', properties: { duration: '12' } },
        { event_name: 'Signed In', timestamp: 1767693600, user_id: 'u3', event_id: 'e-2', account_id: 'a1' },
        { event_name: 'Signed In', user_id: 'u3' },
      ],
    };
    const first = await ht.post('/objects/event/insert', batch, { key: ingestKey });
    expect(first.status).toBe(200);
    expect(first.body.results.map((r: { status: string }) => r.status)).toEqual(['created', 'created', 'rejected']);
    expect(first.body.results[2].errors).toEqual([{ field: 'timestamp', code: 'REQUIRED', message: expect.any(String) }]);
    const replay = await ht.post('/objects/event/insert', batch, { key: ingestKey });
    expect(replay.body.results.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'duplicate', 'rejected']);
    expect(replay.body.summary).toMatchObject({ received: 3, created: 0, duplicate: 2, rejected: 1 });

    const events = await storedEvents(t, t.workspaceId);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      name: 'Signed In',
      user_id: 'u3',
      account_id: null,
      properties: { browser: 'firefox', duration: 12 },
    });
    expect(events[1]).toMatchObject({ account_id: 'a1', properties: {} });
  });

  it('refuses writes from a READ-only key with 403, before touching anything', async () => {
    const res = await ht.post('/objects/account/upsert', { records: [{ account_id: 'r1', company_name: 'R' }] }, { key: readKey });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', details: { requiredScope: 'INGEST' } });
    expect(Object.keys(await storedAccounts(t, t.workspaceId))).not.toContain('r1');
    // Reads work with any key.
    expect((await ht.get('/objects', { key: readKey })).status).toBe(200);
  });

  it("isolates workspaces: B's key writes to B only", async () => {
    const b = await t.newWorkspace('B');
    const before = await storedAccounts(t, t.workspaceId);
    const res = await ht.post(
      '/objects/account/upsert',
      { records: [{ account_id: 'a1', company_name: 'B-Acme', seats: 1 }] },
      { key: b.adminKey },
    );
    expect(res.body.results[0].status).toBe('created');
    expect(await storedAccounts(t, t.workspaceId)).toEqual(before);
    expect(await storedAccounts(t, b.workspaceId)).toEqual({ a1: { name: 'B-Acme', seats: 1 } });
    const validate = await ht.get('/validate', { key: b.adminKey });
    expect(validate.body.workspace).toEqual({ id: b.workspaceId, name: 'B' });
  });
});

describe('REST: status codes', () => {
  it('404 for unknown objects, modes and paths', async () => {
    for (const path of ['/objects/invoice/upsert', '/objects/event/upsert', '/objects/account/insert', '/objects/account/merge']) {
      const res = await ht.post(path, { records: [] });
      expect(res.status, path).toBe(404);
      expect(errorCode(res)).toBe('NOT_FOUND');
    }
    expect((await ht.get('/objects/invoice/fields')).status).toBe(404);
    expect((await ht.get('/nothing-here')).status).toBe(404);
    expect(errorCode(await ht.get('/nothing-here'))).toBe('NOT_FOUND');
  });

  it('405 with Allow for a wrong method on a known path', async () => {
    const cases: Array<[string, string, string]> = [
      ['GET', '/objects/account/upsert', 'POST'],
      ['PUT', '/validate', 'GET'],
      ['DELETE', '/objects/account/fields', 'GET, POST'],
      ['POST', '/objects', 'GET'],
      ['GET', '/rpc', 'POST'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await ht.request(method, path);
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.allow).toBe(allow);
      expect(errorCode(res)).toBe('METHOD_NOT_ALLOWED');
    }
  });

  it('400 INVALID_PAYLOAD for malformed JSON or a bad envelope, with details', async () => {
    const malformed = await ht.request('POST', '/objects/account/upsert', { raw: '{"records": [' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { reason: expect.any(String) } });
    for (const body of [{ records: { account_id: 'a' } }, 'text', 42, null]) {
      const res = await ht.post('/objects/account/upsert', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(errorCode(res)).toBe('INVALID_PAYLOAD');
    }
    const notArray = await ht.post('/objects/account/upsert', { records: 'a1' });
    expect(notArray.body.error.details).toEqual({ path: 'records', received: 'string' });
    const empty = await ht.request('POST', '/objects/account/upsert', { raw: '' });
    expect(empty.status).toBe(400);
  });

  it('415 for bodies that are not JSON or use an unknown Content-Encoding', async () => {
    const text = await ht.request('POST', '/objects/account/upsert', { raw: 'account_id=a1', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    expect(errorCode(text)).toBe('UNSUPPORTED_MEDIA_TYPE');
    const form = await ht.request('POST', '/objects/account/upsert', {
      raw: 'a=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    const zstd = await ht.request('POST', '/objects/account/upsert', { raw: '{"records":[]}', headers: { 'content-encoding': 'zstd' } });
    expect(zstd.status).toBe(415);
  });

  it('accepts gzip and deflate request bodies; a corrupt one is a 400', async () => {
    const records = Array.from({ length: 50 }, (_, i) => ({ account_id: `gz${i}`, company_name: `Gzip ${i}`, seats: i }));
    const res = await ht.request('POST', '/objects/account/upsert', { body: { records }, gzip: true });
    expect(res.status).toBe(200);
    expect(res.body.summary.created).toBe(50);
    const deflated = await ht.request('POST', '/objects/account/upsert', {
      raw: deflateSync(JSON.stringify([{ account_id: 'df1', company_name: 'Deflate' }])),
      headers: { 'content-encoding': 'deflate' },
    });
    expect(deflated.body.results[0].status).toBe('created');
    const corrupt = await ht.request('POST', '/objects/account/upsert', {
      raw: Buffer.from('not gzip at all'),
      headers: { 'content-encoding': 'gzip' },
    });
    expect(corrupt.status).toBe(400);
    expect(errorCode(corrupt)).toBe('INVALID_PAYLOAD');
    // A compressed body that is never read (refused before parsing) does not hurt the server.
    const unread = await ht.request('POST', '/objects/account/upsert', {
      raw: Buffer.from('garbage'),
      headers: { 'content-encoding': 'gzip', 'content-type': 'text/plain' },
    });
    expect(unread.status).toBe(415);
    expect((await ht.request('GET', '/validate', { headers: { 'content-encoding': 'gzip' } })).status).toBe(200);
    expect((await ht.get('/objects')).status).toBe(200);
  });

  it('runs one mutation per request: 10 or 200 records cost the same number of SQL statements', async () => {
    const batch = (n: number, prefix: string) => ({
      records: Array.from({ length: n }, (_, i) => ({ account_id: `${prefix}${i}`, company_name: `S${i}`, seats: i, tier: 'gold' })),
    });
    const statements = async (body: unknown) => {
      const before = t.database.stats.statements;
      const res = await ht.post('/objects/account/upsert', body, { key: ingestKey });
      expect(res.status).toBe(200);
      return t.database.stats.statements - before;
    };
    await statements(batch(1, 'warm'));
    const small = await statements(batch(10, 'small'));
    expect(await statements(batch(200, 'large'))).toBe(small);
  });

  it('leaves the GraphQL endpoint to its own parsers and errors', async () => {
    const res = await t.gql('{ viewer { workspace { name } } }');
    expect(res.data?.viewer.workspace.name).toBe('A');
  });
});

describe('REST: OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document built from the route schemas', async () => {
    const res = await ht.get('/openapi.json', { key: null });
    expect(res.status).toBe(200);
    const validator = new Validator();
    const result = await validator.validate(res.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths).sort()).toEqual(['/objects', '/objects/{object}/fields', '/objects/{object}/{mode}', '/validate']);
    const write = res.body.paths['/objects/{object}/{mode}'].post;
    expect(write.summary).toBe(ROUTE_SCHEMAS.ingest.summary);
    expect(Object.keys(write.responses).sort()).toEqual(Object.keys(ROUTE_SCHEMAS.ingest.response).sort());
    expect(write.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/IngestRequest' });
    expect(res.body.components.schemas.IngestResponse.properties.summary).toEqual({ $ref: '#/components/schemas/IngestSummary' });
  });
});

describe('REST: limits', () => {
  let small: TestApp;
  let client: ReturnType<typeof hightouch>;
  beforeAll(async () => {
    small = await createTestApp({ MAX_BATCH_RECORDS: '5', MAX_BODY_BYTES: '2048' });
    client = hightouch(small);
  });
  afterAll(async () => {
    await small?.close();
  });

  it('413 BATCH_TOO_LARGE for too many records, saying the maximum; nothing stored', async () => {
    const records = Array.from({ length: 6 }, (_, i) => ({ account_id: `l${i}`, company_name: 'L' }));
    const res = await client.post('/objects/account/upsert', { records });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'BATCH_TOO_LARGE', details: { maximum: 5, received: 6 } });
    expect(await storedAccounts(small, small.workspaceId)).toEqual({});
    expect((await client.post('/objects/account/upsert', { records: records.slice(0, 5) })).body.summary.created).toBe(5);
  });

  it('413 for too many bytes, counted after decompression', async () => {
    const big = { records: [{ account_id: 'big', company_name: 'x'.repeat(3000) }] };
    const plain = await client.post('/objects/account/upsert', big);
    expect(plain.status).toBe(413);
    expect(plain.body.error).toMatchObject({ code: 'BATCH_TOO_LARGE', details: { maximumBytes: 2048 } });
    // Compresses to far below the limit, inflates far above it.
    const bomb = gzipSync(JSON.stringify({ records: [{ account_id: 'bomb', company_name: 'y'.repeat(200_000) }] }));
    expect(bomb.length).toBeLessThan(2048);
    const inflated = await client.request('POST', '/objects/account/upsert', { raw: bomb, headers: { 'content-encoding': 'gzip' } });
    expect(inflated.status).toBe(413);
    expect(inflated.body.error.details).toEqual({ maximumBytes: 2048 });
    expect(Object.keys(await storedAccounts(small, small.workspaceId))).not.toContain('bomb');
  });
});

describe('REST: rate limiting', () => {
  const limited = suiteApp({ RATE_LIMIT_INGEST_PER_SECOND: '0.01', RATE_LIMIT_INGEST_BURST: '2' });

  it('answers 429 with Retry-After once the key has spent its burst', async () => {
    const client = hightouch(limited);
    const body = { records: [{ account_id: 'rl', company_name: 'RL' }] };
    expect((await client.post('/objects/account/upsert', body)).status).toBe(200);
    expect((await client.post('/objects/account/upsert', body)).status).toBe(200);
    const refused = await client.post('/objects/account/upsert', body);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
  });

  it('says in the body, as GraphQL and JSON-RPC do, after how many seconds to retry', async () => {
    const client = hightouch(limited);
    const body = { records: [{ account_id: 'rl2', company_name: 'RL' }] };
    let refused = await client.post('/objects/account/upsert', body);
    for (let i = 0; i < 3 && refused.status !== 429; i++) refused = await client.post('/objects/account/upsert', body);
    expect(refused.status).toBe(429);
    expect(refused.body.error.details).toMatchObject({ scope: 'INGEST', retryAfterSeconds: Number(refused.headers['retry-after']) });
  });
});
