import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { handleJsonRpc, type RpcHandler } from '../../src/hightouch/jsonrpc.ts';
import { emptyPayload, toDeleteId, toGraphQLRecord, toRestField, toRestResponse } from '../../src/hightouch/mapping.ts';
import { findObject, type HightouchObject, toHightouchType } from '../../src/hightouch/objects.ts';
import { checkConfiguration, readConfiguration, rejectedRows, rowsToRecords } from '../../src/hightouch/sync.ts';

// Pure translation logic: Hightouch records ↔ GraphQL inputs, sync configurations, JSON-RPC core.

const account = findObject('account') as HightouchObject;
const user = findObject('user') as HightouchObject;
const event = findObject('event') as HightouchObject;

const silentLog = { error: () => {}, debug: () => {} } as never;

describe('records to GraphQL inputs', () => {
  it('maps default field ids to GraphQL keys and everything else to custom, values untouched', () => {
    expect(
      toGraphQLRecord(account, {
        account_id: 7,
        company_name: 'Acme',
        employee_count: '12',
        plan: null,
        csm_email: 'a@b.co',
        'Renewal Date': '2026-01-01',
      }),
    ).toEqual({
      id: 7,
      name: 'Acme',
      employeeCount: '12',
      plan: null,
      custom: { csm_email: 'a@b.co', 'Renewal Date': '2026-01-01' },
    });
    expect(toGraphQLRecord(user, { user_id: 'u', account_id: 'a', last_seen_at: 1767225600 })).toEqual({
      id: 'u',
      accountId: 'a',
      lastSeenAt: 1767225600,
    });
    // A default key of another object is just a custom field here (`name` is company_name on accounts).
    expect(toGraphQLRecord(account, { name: 'x' })).toEqual({ custom: { name: 'x' } });
  });

  it('sends events extra keys as properties, merging a properties object (flat keys win)', () => {
    expect(
      toGraphQLRecord(event, {
        event_name: 'Paid',
        timestamp: '2026-01-01T00:00:00Z',
        user_id: 'u',
        event_id: 'e',
        amount: 3,
        properties: { amount: 1, plan: 'pro' },
      }),
    ).toEqual({ name: 'Paid', timestamp: '2026-01-01T00:00:00Z', userId: 'u', eventId: 'e', properties: { amount: 3, plan: 'pro' } });
    expect(toGraphQLRecord(event, { event_name: 'x', properties: 'not an object' })).toEqual({
      name: 'x',
      properties: { properties: 'not an object' },
    });
  });

  it('turns non-objects into null and keeps __proto__ as data', () => {
    for (const value of [null, 'x', 3, [1], true]) expect(toGraphQLRecord(account, value)).toBeNull();
    const input = toGraphQLRecord(account, JSON.parse('{"account_id":"a","__proto__":{"polluted":true}}'));
    expect(Object.getPrototypeOf(input)).toBe(Object.prototype);
    expect(Object.hasOwn(input?.custom as object, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('extracts delete IDs: strings, numbers as text, anything else null', () => {
    expect(
      [{ account_id: 'a' }, { account_id: 12 }, { account_id: 1.5 }, { account_id: null }, {}, { account_id: {} }, 'a'].map((r) =>
        toDeleteId(account, r),
      ),
    ).toEqual(['a', '12', '1.5', null, null, null, null]);
  });

  it('reports error fields in the REST vocabulary', () => {
    expect(['id', 'name', 'employeeCount', 'custom.health', 'custom.a.b', null].map((f) => toRestField(account, f))).toEqual([
      'account_id',
      'company_name',
      'employee_count',
      'health',
      'a.b',
      null,
    ]);
    expect(['name', 'userId', 'properties.amount'].map((f) => toRestField(event, f))).toEqual(['event_name', 'user_id', 'amount']);
  });

  it('renders results with lower-case statuses and a snake_case summary', () => {
    const payload = {
      ...emptyPayload(),
      received: 1,
      notFound: 1,
      results: [{ index: 0, id: 'x', status: 'NOT_FOUND' as const, errors: [] }],
    };
    expect(toRestResponse(account, payload)).toEqual({
      results: [{ index: 0, id: 'x', status: 'not_found', errors: [] }],
      summary: { received: 1, created: 0, updated: 0, unchanged: 0, duplicate: 0, deleted: 0, not_found: 1, rejected: 0 },
    });
  });

  it('speaks Hightouch types', () => {
    expect(['STRING', 'EMAIL', 'URL', 'NUMBER', 'BOOLEAN', 'DATETIME', 'MIXED', null].map(toHightouchType)).toEqual([
      'STRING',
      'STRING',
      'STRING',
      'NUMBER',
      'BOOLEAN',
      'DATETIME',
      'UNKNOWN',
      'UNKNOWN',
    ]);
  });
});

describe('sync configurations', () => {
  const config = {
    object: 'user',
    identifierMapping: { from: 'ID', to: 'user_id' },
    mappings: [
      { from: 'MAIL', to: 'email', type: 'standard' },
      { from: 'SCORE', to: 'nps' },
    ],
  };

  it('reads object, mode (default: the first) and mappings, identifier first', () => {
    const read = readConfiguration(config);
    expect(read.ok && read.config.mode.id).toBe('upsert');
    expect(read.ok && read.config.mappings).toEqual([
      { from: 'ID', to: 'user_id' },
      { from: 'MAIL', to: 'email' },
      { from: 'SCORE', to: 'nps' },
    ]);
    const bad = readConfiguration({ object: 'user', mode: 'insert', mappings: [{ from: 1, to: 'x' }, 'y'] });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems).toEqual([
      expect.stringContaining('insert'),
      expect.stringContaining('mappings[0]'),
      expect.stringContaining('mappings[1]'),
    ]);
  });

  it('applies mappings: mapped columns only, nulls kept, absent columns absent, non-objects null', () => {
    const read = readConfiguration(config);
    if (!read.ok) throw new Error('unreadable');
    expect(rowsToRecords(read.config, [{ ID: 'u1', MAIL: null, OTHER: 'x' }, 'row', { ID: 'u2', MAIL: 'm@x.io', SCORE: 9 }])).toEqual([
      { user_id: 'u1', email: null },
      null,
      { user_id: 'u2', email: 'm@x.io', nps: 9 },
    ]);
  });

  it('explains rejected rows with codes, fields and columns, keyed by the id column', () => {
    const read = readConfiguration(config);
    if (!read.ok) throw new Error('unreadable');
    const payload = {
      ...emptyPayload(),
      results: [
        { index: 0, id: 'u1', status: 'CREATED' as const, errors: [] },
        {
          index: 1,
          id: 'u2',
          status: 'REJECTED' as const,
          errors: [
            { field: 'email', code: 'INVALID_EMAIL' as const, message: 'Not an e-mail.' },
            { field: 'custom.nps', code: 'TYPE_MISMATCH' as const, message: 'Not a number.' },
          ],
        },
        {
          index: 2,
          id: null,
          status: 'REJECTED' as const,
          errors: [{ field: null, code: 'INVALID_RECORD' as const, message: 'Not an object.' }],
        },
        { index: 3, id: 'u4', status: 'NOT_FOUND' as const, errors: [] },
      ],
    };
    const rowsIn = [{ ID: 'u1' }, { ID: 'u2', PK: 'row-2' }, 'junk', { ID: 'u4', PK: 'row-4' }];
    expect(rejectedRows(read.config, 'PK', rowsIn, payload, true)).toEqual([
      { id: 'row-2', reason: 'INVALID_EMAIL on email (column MAIL): Not an e-mail.; TYPE_MISMATCH on nps (column SCORE): Not a number.' },
      { id: null, reason: 'INVALID_RECORD: Not an object.' },
      { id: 'row-4', reason: expect.stringContaining('NOT_FOUND') },
    ]);
    expect(rejectedRows(read.config, 'PK', rowsIn, payload, false)).toHaveLength(2);
  });

  it('validate: configuration problems are errors too', () => {
    expect(checkConfiguration('nope').errors).toEqual(['configuration must be an object.']);
    expect(checkConfiguration({ object: 'account', identifierMapping: { from: 'A', to: 'account_id' } }).errors).toEqual([
      expect.stringContaining('company_name'),
    ]);
  });
});

describe('JSON-RPC core', () => {
  const methods = new Map<string, RpcHandler>([
    ['echo', async (params: Record<string, unknown>) => params],
    ['nothing', async () => undefined],
    [
      'fail',
      async (params: Record<string, unknown>) => {
        if (params.kind === 'params') throw new AppError(400, 'INVALID_PARAMS', 'Invalid params');
        if (params.kind === 'busy') throw new AppError(429, 'RATE_LIMITED', 'busy', undefined, 2);
        if (params.kind === 'down') throw new AppError(503, 'SERVICE_UNAVAILABLE', 'down', undefined, 5);
        throw new Error('secret internals');
      },
    ],
  ]);

  it('answers single calls, positional single objects and null results', async () => {
    expect((await handleJsonRpc({ jsonrpc: '2.0', id: 1, method: 'echo', params: { a: 1 } }, { methods, log: silentLog })).body).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: { a: 1 },
    });
    expect(
      (await handleJsonRpc({ jsonrpc: '2.0', id: 2, method: 'echo', params: [{ b: 2 }] }, { methods, log: silentLog })).body,
    ).toMatchObject({
      result: { b: 2 },
    });
    expect((await handleJsonRpc({ jsonrpc: '2.0', id: 3, method: 'nothing' }, { methods, log: silentLog })).body).toEqual({
      jsonrpc: '2.0',
      id: 3,
      result: null,
    });
    expect((await handleJsonRpc({ jsonrpc: '2.0', id: 4, method: 'toString' }, { methods, log: silentLog })).body).toMatchObject({
      error: { code: -32601 },
    });
  });

  it('never leaks unexpected errors and says which refusals are retryable, and after how long', async () => {
    const outcome = await handleJsonRpc(
      [
        { jsonrpc: '2.0', id: 1, method: 'fail', params: { kind: 'busy' } },
        { jsonrpc: '2.0', id: 2, method: 'fail', params: { kind: 'down' } },
        { jsonrpc: '2.0', id: 3, method: 'fail', params: { kind: 'bug' } },
        { jsonrpc: '2.0', id: 4, method: 'fail', params: { kind: 'params' } },
      ],
      { methods, log: silentLog },
    );
    expect(outcome.retryAfterSeconds).toBe(5);
    expect(outcome.body).toEqual([
      {
        jsonrpc: '2.0',
        id: 1,
        error: { code: -32029, message: 'busy', data: { code: 'RATE_LIMITED', retryable: true, retryAfterSeconds: 2 } },
      },
      {
        jsonrpc: '2.0',
        id: 2,
        error: { code: -32053, message: 'down', data: { code: 'SERVICE_UNAVAILABLE', retryable: true, retryAfterSeconds: 5 } },
      },
      { jsonrpc: '2.0', id: 3, error: { code: -32603, message: 'Internal error', data: { code: 'INTERNAL', retryable: true } } },
      { jsonrpc: '2.0', id: 4, error: { code: -32602, message: 'Invalid params' } },
    ]);
  });

  it('runs notifications without answering them', async () => {
    expect((await handleJsonRpc({ jsonrpc: '2.0', method: 'echo' }, { methods, log: silentLog })).body).toBeUndefined();
    expect(
      (await handleJsonRpc([{ jsonrpc: '2.0', method: 'fail', params: { kind: 'bug' } }], { methods, log: silentLog })).body,
    ).toBeUndefined();
  });
});
