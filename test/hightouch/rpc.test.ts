import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { hightouch, rpcSuite, storedAccounts, storedEvents, storedUsers } from './client.ts';

// A conversation shaped like Hightouch's Embedded Destination framework: configuration calls
// while the customer sets up a sync, then add/change/remove batches of warehouse rows.

const suite = rpcSuite();
const { t, ht, rpc, result } = suite;

const accountSync = {
  object: 'account',
  mode: 'upsert',
  identifierMapping: { from: 'ACCT_ID', to: 'account_id' },
  mappings: [
    { from: 'COMPANY', to: 'company_name' },
    { from: 'NUM_SEATS', to: 'seats' },
    { from: 'CSM', to: 'csm_email' },
    { from: 'REGION', to: 'region' },
  ],
};
const userSync = {
  object: 'user',
  mode: 'upsert',
  identifierMapping: { from: 'USER_KEY', to: 'user_id' },
  mappings: [
    { from: 'EMAIL_ADDRESS', to: 'email' },
    { from: 'ACCT_ID', to: 'account_id' },
    { from: 'JOB', to: 'title' },
  ],
};
const eventSync = {
  object: 'event',
  mode: 'insert',
  mappings: [
    { from: 'EVENT', to: 'event_name' },
    { from: 'TS', to: 'timestamp' },
    { from: 'USER_KEY', to: 'user_id' },
    { from: 'ACCT_ID', to: 'account_id' },
    { from: 'AMOUNT', to: 'amount' },
  ],
};

describe('JSON-RPC: setting up a sync', () => {
  it('lists objects, modes and fields', async () => {
    expect(await result('list_objects', {})).toEqual({
      objects: [
        { id: 'account', label: 'Account' },
        { id: 'user', label: 'User' },
        { id: 'event', label: 'Event' },
      ],
    });
    const modes = await result('list_modes', { object: 'account' });
    expect(modes.modes.map((m: { id: string }) => m.id)).toEqual(['upsert', 'update']);
    expect(modes.modes[0]).toEqual({ id: 'upsert', label: 'Upsert', description: expect.any(String) });
    expect((await result('list_modes', { object: 'event' })).modes.map((m: { id: string }) => m.id)).toEqual(['insert']);

    const fields = (await result('list_fields', { object: 'account', mode: 'upsert' })).fields;
    expect(fields[0]).toEqual({ id: 'account_id', label: 'Account ID', type: 'STRING', identifier: true });
    expect(fields[1]).toEqual({ id: 'company_name', label: 'Company Name', type: 'STRING' });
    // The form offers the api_key option (for set-ups that cannot send the key otherwise).
    const options = (await result('list_options', { object: 'account' })).options;
    expect(Object.keys(options.schema.properties)).toEqual(['api_key']);
    expect(options.uiSchema).toEqual({ api_key: { 'ui:widget': 'password' } });
  });

  it('validates configurations: required mappings are errors, account_id is a recommendation', async () => {
    expect(await result('validate', { configuration: accountSync })).toEqual({
      errors: [],
      warnings: [],
      notes: ['Object: account (from configuration.object).', 'Mode: upsert (from configuration.mode).'],
    });
    expect(await result('validate', { configuration: userSync })).toMatchObject({ errors: [], warnings: [] });
    expect(await result('validate', { configuration: eventSync })).toMatchObject({ errors: [], warnings: [] });

    const noName = await result('validate', { configuration: { ...accountSync, mappings: [{ from: 'NUM_SEATS', to: 'seats' }] } });
    expect(noName.errors).toEqual([expect.stringContaining('company_name')]);
    // Update-only syncs never create, so the name is not needed.
    expect((await result('validate', { configuration: { ...accountSync, mode: 'update', mappings: [] } })).errors).toEqual([]);

    const noEmail = await result('validate', { configuration: { ...userSync, mappings: [{ from: 'JOB', to: 'title' }] } });
    expect(noEmail.errors).toEqual([expect.stringContaining('email')]);
    expect(noEmail.warnings).toEqual([expect.stringContaining('account_id')]);

    const noTime = await result('validate', { configuration: { object: 'event', mappings: [{ from: 'EVENT', to: 'event_name' }] } });
    expect(noTime.errors).toEqual([expect.stringContaining('timestamp'), expect.stringContaining('user_id')]);
    expect(noTime.warnings).toEqual([expect.stringContaining('account_id')]);

    const twice = await result('validate', {
      configuration: { ...accountSync, mappings: [...accountSync.mappings, { from: 'OTHER_SEATS', to: 'seats' }] },
    });
    expect(twice.errors).toEqual([expect.stringContaining('seats is mapped more than once')]);
    expect((await result('validate', { configuration: { object: 'invoice' } })).errors).toEqual([
      expect.stringContaining('account, user, event'),
    ]);
    expect((await result('validate', { configuration: { object: 'event', mode: 'upsert' } })).errors).toEqual([
      expect.stringContaining('insert'),
    ]);
  });

  it('describes the sync behaviour', async () => {
    expect(await result('behavior', { configuration: accountSync })).toEqual({
      batchSize: 1000,
      operations: { add: true, change: true, remove: true },
      skipInitialRun: false,
    });
    expect((await result('behavior', { configuration: { ...accountSync, mode: 'update' } })).operations).toEqual({
      add: true,
      change: true,
      remove: false,
    });
    expect((await result('behavior', { configuration: eventSync })).operations).toEqual({ add: true, change: false, remove: false });
  });
});

describe('JSON-RPC: syncing rows', () => {
  const accountRows = [
    { ACCT_ID: 'acc-1', COMPANY: 'Acme', NUM_SEATS: '25', CSM: 'kim@vendor.com', REGION: 'EMEA', INTERNAL_NOTE: 'ignored' },
    { ACCT_ID: 'acc-2', COMPANY: 'Globex', NUM_SEATS: 10, CSM: null, REGION: null },
    { ACCT_ID: 'acc-3', COMPANY: 'Initech', NUM_SEATS: 'lots', CSM: 'x@y.com', REGION: 'NA' },
    { ACCT_ID: 'acc-4', COMPANY: null, NUM_SEATS: 3 },
  ];

  it('adds batches, applies the mappings, and reports rejected rows with reasons', async () => {
    const first = await result('add', { idColumn: 'ACCT_ID', configuration: accountSync, rows: accountRows.slice(0, 2) });
    expect(first).toEqual({ rejectedRows: [] });
    const second = await result('add', { idColumn: 'ACCT_ID', configuration: accountSync, rows: accountRows.slice(2) });
    expect(second.rejectedRows).toEqual([
      { id: 'acc-3', reason: expect.stringMatching(/^TYPE_MISMATCH on seats \(column NUM_SEATS\): /) },
      { id: 'acc-4', reason: expect.stringMatching(/^REQUIRED on company_name \(column COMPANY\): /) },
    ]);
    // Exactly the model's valid rows, mapped; unmapped columns ignored; nulls are no value.
    expect(await storedAccounts(t, t.workspaceId)).toEqual({
      'acc-1': { name: 'Acme', seats: 25, csm_email: 'kim@vendor.com', region: 'EMEA' },
      'acc-2': { name: 'Globex', seats: 10 },
    });
    const fields = (await result('list_fields', { object: 'account', mode: 'upsert' })).fields;
    expect(fields).toContainEqual({ id: 'csm_email', label: expect.any(String), type: 'STRING' });
  });

  it('is idempotent: the same batch retried changes nothing', async () => {
    const before = await rows<{ id: string; updated_at: string }>(
      t.database.db,
      sql`select id, updated_at::text as updated_at from accounts where workspace_id = ${t.workspaceId} order by id`,
    );
    const retry = await result('add', { idColumn: 'ACCT_ID', configuration: accountSync, rows: accountRows });
    expect(retry.rejectedRows.map((r: { id: string }) => r.id)).toEqual(['acc-3', 'acc-4']);
    const after = await rows<{ id: string; updated_at: string }>(
      t.database.db,
      sql`select id, updated_at::text as updated_at from accounts where workspace_id = ${t.workspaceId} order by id`,
    );
    expect(after).toEqual(before);
  });

  it('changes and removes rows', async () => {
    const changed = await result('change', {
      idColumn: 'ACCT_ID',
      configuration: accountSync,
      rows: [{ ACCT_ID: 'acc-2', COMPANY: 'Globex Corp', NUM_SEATS: 12, CSM: 'lee@vendor.com', REGION: 'APAC' }],
    });
    expect(changed).toEqual({ rejectedRows: [] });
    const removed = await result('remove', {
      idColumn: 'ACCT_ID',
      configuration: accountSync,
      rows: [accountRows[0], { ACCT_ID: 'never-synced' }],
    });
    expect(removed).toEqual({ rejectedRows: [] });
    expect(await storedAccounts(t, t.workspaceId)).toEqual({
      'acc-2': { name: 'Globex Corp', seats: 12, csm_email: 'lee@vendor.com', region: 'APAC' },
    });
  });

  it('update mode rejects rows for unknown IDs and creates nothing', async () => {
    const update = { ...accountSync, mode: 'update' };
    const res = await result('change', {
      idColumn: 'ACCT_ID',
      configuration: update,
      rows: [
        { ACCT_ID: 'acc-2', NUM_SEATS: 15 },
        { ACCT_ID: 'acc-404', NUM_SEATS: 1 },
      ],
    });
    expect(res.rejectedRows).toEqual([{ id: 'acc-404', reason: expect.stringContaining('NOT_FOUND') }]);
    expect(Object.keys(await storedAccounts(t, t.workspaceId))).toEqual(['acc-2']);
  });

  it('syncs users and events; events are never duplicated by retries', async () => {
    const users = [
      { USER_KEY: 'u-1', EMAIL_ADDRESS: 'ada@acme.com', ACCT_ID: 'acc-2', JOB: 'CTO' },
      { USER_KEY: 'u-2', EMAIL_ADDRESS: 'not-an-email', ACCT_ID: 'acc-2', JOB: null },
    ];
    const userResult = await result('add', { idColumn: 'USER_KEY', configuration: userSync, rows: users });
    expect(userResult.rejectedRows).toEqual([
      { id: 'u-2', reason: expect.stringContaining('INVALID_EMAIL on email (column EMAIL_ADDRESS)') },
    ]);
    expect(await storedUsers(t, t.workspaceId)).toEqual({ 'u-1': { email: 'ada@acme.com', accountId: 'acc-2', title: 'CTO' } });

    const events = [
      { EVENT_ROW: 'r1', EVENT: 'Invoice Paid', TS: '2026-02-01T09:00:00Z', USER_KEY: 'u-1', ACCT_ID: null, AMOUNT: '12.5' },
      { EVENT_ROW: 'r2', EVENT: 'Invoice Paid', TS: 1769936400, USER_KEY: 'u-1', ACCT_ID: 'acc-2', AMOUNT: 30 },
      { EVENT_ROW: 'r3', EVENT: 'Invoice Paid', TS: 'last tuesday', USER_KEY: 'u-1', AMOUNT: 1 },
    ];
    const add = { idColumn: 'EVENT_ROW', configuration: eventSync, rows: events };
    const first = await result('add', add);
    expect(first.rejectedRows).toEqual([{ id: 'r3', reason: expect.stringContaining('INVALID_TIMESTAMP on timestamp (column TS)') }]);
    const retry = await result('add', add);
    expect(retry.rejectedRows.map((r: { id: string }) => r.id)).toEqual(['r3']);

    const stored = await storedEvents(t, t.workspaceId);
    expect(stored).toHaveLength(2);
    expect(stored.map((e) => [e.name, e.user_id, e.account_id, e.properties])).toEqual([
      ['Invoice Paid', 'u-1', null, { amount: 12.5 }],
      ['Invoice Paid', 'u-1', 'acc-2', { amount: 30 }],
    ]);
    // Events are facts: removing or changing model rows does not touch them.
    expect(await result('remove', add)).toBeNull();
    expect(await result('change', add)).toBeNull();
    expect(await storedEvents(t, t.workspaceId)).toHaveLength(2);
  });

  it("keeps workspaces apart: B's key writes to B only", async () => {
    const b = await t.newWorkspace('B');
    const before = await storedAccounts(t, t.workspaceId);
    const res = await rpc(
      'add',
      { idColumn: 'ACCT_ID', configuration: accountSync, rows: [{ ACCT_ID: 'acc-2', COMPANY: 'Hijacked', NUM_SEATS: 0 }] },
      { key: b.adminKey },
    );
    expect(res.body.result).toEqual({ rejectedRows: [] });
    expect(await storedAccounts(t, t.workspaceId)).toEqual(before);
    expect(await storedAccounts(t, b.workspaceId)).toEqual({ 'acc-2': { name: 'Hijacked', seats: 0 } });
  });
});

describe('JSON-RPC: protocol', () => {
  it('answers a batch in order, without entries for notifications', async () => {
    const res = await ht.request('POST', '/rpc', {
      key: suite.key,
      body: [
        { jsonrpc: '2.0', id: 'a', method: 'list_objects' },
        { jsonrpc: '2.0', method: 'list_objects' },
        { jsonrpc: '2.0', id: 7, method: 'list_modes', params: { object: 'user' } },
        { jsonrpc: '2.0', id: 8, method: 'no_such_method' },
        42,
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(4);
    expect(res.body[0]).toMatchObject({ jsonrpc: '2.0', id: 'a', result: { objects: expect.any(Array) } });
    expect(res.body[1]).toMatchObject({ id: 7, result: { modes: expect.any(Array) } });
    expect(res.body[2]).toMatchObject({ id: 8, error: { code: -32601 } });
    expect(res.body[3]).toMatchObject({ id: null, error: { code: -32600 } });

    const onlyNotifications = await ht.request('POST', '/rpc', { key: suite.key, body: [{ jsonrpc: '2.0', method: 'list_objects' }] });
    expect(onlyNotifications.status).toBe(204);
    expect(onlyNotifications.raw).toBe('');
  });

  it('uses the standard error codes with HTTP 200', async () => {
    const parse = await ht.request('POST', '/rpc', { key: suite.key, raw: '{"jsonrpc": "2.0", "method": ' });
    expect(parse.status).toBe(200);
    expect(parse.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });

    for (const body of [
      { id: 1, method: 'list_objects' },
      { jsonrpc: '2.0', id: 1, method: 5 },
      [],
      'list_objects',
      { jsonrpc: '2.0', id: {}, method: 'x' },
    ]) {
      const res = await ht.request('POST', '/rpc', { key: suite.key, body });
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(res.body.error.code, JSON.stringify(body)).toBe(-32600);
    }
    const missing = await rpc('sync_everything', {});
    expect(missing.body).toMatchObject({ id: expect.any(Number), error: { code: -32601, message: 'Method not found' } });

    for (const [method, params] of [
      ['list_modes', {}],
      ['list_fields', { object: 'account', mode: 'insert' }],
      ['add', { configuration: accountSync, rows: 'nope' }],
      ['add', { configuration: { object: 'invoice' }, rows: [] }],
      ['behavior', {}],
      ['validate', {}],
      ['list_objects', ['account', 'upsert']],
    ] as const) {
      const res = await rpc(method, params);
      expect(res.status, method).toBe(200);
      expect(res.body.error, `${method} ${JSON.stringify(params)}`).toMatchObject({ code: -32602, data: { problems: expect.any(Array) } });
    }
  });

  it('refuses a bad key (-32001) and a READ-only key (-32003), final, with HTTP 200 as JSON-RPC errors', async () => {
    const bad = await rpc('list_objects', {}, { key: 'nonsense' });
    expect(bad.status).toBe(200);
    expect(bad.body).toMatchObject({
      jsonrpc: '2.0',
      id: expect.any(Number),
      error: { code: -32001, data: { code: 'UNAUTHENTICATED', retryable: false } },
    });

    const readKey = await t.keyWithScopes(['READ']);
    expect((await rpc('list_objects', {}, { key: readKey })).status).toBe(200);
    const write = await rpc(
      'add',
      { idColumn: 'ACCT_ID', configuration: accountSync, rows: [{ ACCT_ID: 'ro', COMPANY: 'RO' }] },
      { key: readKey },
    );
    expect(write.status).toBe(200);
    expect(write.body.error).toMatchObject({ code: -32003, data: { code: 'FORBIDDEN', retryable: false } });
    expect(Object.keys(await storedAccounts(t, t.workspaceId))).not.toContain('ro');
  });
});

describe('JSON-RPC: limits and outages', () => {
  let small: TestApp;
  let client: ReturnType<typeof hightouch>;
  beforeAll(async () => {
    small = await createTestApp({ MAX_BATCH_RECORDS: '5' });
    client = hightouch(small);
  });
  afterAll(async () => {
    await small?.close();
  });

  it('never asks for more rows than the record limit, and refuses larger batches (-32013, final)', async () => {
    const behavior = await client.rpc('behavior', { configuration: accountSync });
    expect(behavior.body.result.batchSize).toBe(5);
    const rows6 = Array.from({ length: 6 }, (_, i) => ({ ACCT_ID: `x${i}`, COMPANY: 'X' }));
    const res = await client.rpc('add', { idColumn: 'ACCT_ID', configuration: accountSync, rows: rows6 });
    expect(res.status).toBe(200);
    expect(res.body.error).toMatchObject({ code: -32013, data: { code: 'BATCH_TOO_LARGE', maximum: 5, received: 6, retryable: false } });
    expect(await storedAccounts(small, small.workspaceId)).toEqual({});
  });

  it('answers -32053 (JSON-RPC) or 503 (REST) with Retry-After when the database is unreachable', async () => {
    await small.database.close();
    const add = await client.rpc('add', { idColumn: 'ACCT_ID', configuration: accountSync, rows: [{ ACCT_ID: 'y', COMPANY: 'Y' }] });
    expect(add.status).toBe(200);
    expect(add.headers['retry-after']).toBe('5');
    expect(add.body).toMatchObject({
      jsonrpc: '2.0',
      error: { code: -32053, data: { code: 'SERVICE_UNAVAILABLE', retryable: true, retryAfterSeconds: 5 } },
    });

    const fields = await client.rpc('list_fields', { object: 'account', mode: 'upsert' });
    expect(fields.body.error).toMatchObject({ code: -32053, data: { retryable: true } });

    const rest = await client.post('/objects/account/upsert', { records: [{ account_id: 'y', company_name: 'Y' }] });
    expect(rest.status).toBe(503);
    expect(rest.headers['retry-after']).toBe('5');
    expect(rest.body.error.code).toBe('SERVICE_UNAVAILABLE');
  });
});
