import { describe, expect, it } from 'vitest';
import { suiteApp } from '../support/harness.ts';
import { query, sql } from '../support/sql.ts';
import { DELETE_ACCOUNTS, DELETE_USERS, UPSERT_ACCOUNTS, UPSERT_USERS } from './fragments.ts';

const t = suiteApp({ MAX_BATCH_RECORDS: '50' });

const dims = async (table: 'accounts' | 'users', id: string, workspaceId = t.workspaceId) =>
  (
    await query<{ dims: Record<string, unknown> }>(
      t,
      sql`select dims from ${sql.identifier(table)} where workspace_id = ${workspaceId} and id = ${id}`,
    )
  )[0]?.dims;

describe('upsertAccounts', () => {
  it('creates, updates, leaves unchanged, and reports each record in input order', async () => {
    const first = await t.gql(UPSERT_ACCOUNTS, {
      records: [
        { id: 'acme', name: 'Acme', seats: 10, region: 'EMEA', custom: { tier: 'gold' } },
        { id: 'globex', name: 'Globex', employeeCount: '250', mrr: '99.5', createdAt: '2021-03-04' },
      ],
    });
    expect(first.data?.upsertAccounts).toMatchObject({ received: 2, created: 2, updated: 0, unchanged: 0, rejected: 0 });
    expect(first.data?.upsertAccounts.results.map((r: any) => [r.index, r.id, r.status])).toEqual([
      [0, 'acme', 'CREATED'],
      [1, 'globex', 'CREATED'],
    ]);
    expect(await dims('accounts', 'globex')).toEqual({
      name: 'Globex',
      employeeCount: 250,
      mrr: 99.5,
      createdAt: '2021-03-04T00:00:00.000Z',
    });

    const second = await t.gql(UPSERT_ACCOUNTS, {
      records: [
        { id: 'acme', seats: 12 },
        { id: 'globex', name: 'Globex', mrr: 99.5 },
      ],
    });
    expect(second.data?.upsertAccounts.results.map((r: any) => r.status)).toEqual(['UPDATED', 'UNCHANGED']);
    // Merge: fields not carried are kept.
    expect(await dims('accounts', 'acme')).toEqual({ name: 'Acme', seats: 12, region: 'EMEA', tier: 'gold' });
  });

  it('does not rewrite an unchanged row', async () => {
    const stamp = sql`select updated_at::text as at, xmin::text as version from accounts where workspace_id = ${t.workspaceId} and id = 'globex'`;
    const [before] = await query<{ at: string; version: string }>(t, stamp);
    await t.gql(UPSERT_ACCOUNTS, { records: [{ id: 'globex', name: 'Globex' }] });
    const [after] = await query<{ at: string; version: string }>(t, stamp);
    expect(after).toEqual(before);
  });

  it('clears a field on explicit null (and an empty string), custom fields included', async () => {
    const res = await t.gql(UPSERT_ACCOUNTS, { records: [{ id: 'acme', region: null, custom: { tier: null } }] });
    expect(res.data?.upsertAccounts.results[0].status).toBe('UPDATED');
    expect(await dims('accounts', 'acme')).toEqual({ name: 'Acme', seats: 12 });
    await t.gql(UPSERT_ACCOUNTS, { records: [{ id: 'acme', plan: 'pro' }] });
    await t.gql(UPSERT_ACCOUNTS, { records: [{ id: 'acme', plan: '' }] });
    expect(await dims('accounts', 'acme')).toEqual({ name: 'Acme', seats: 12 });
  });

  it('applies the same ID twice in one call in order: last value wins, each record gets its own result', async () => {
    const res = await t.gql(UPSERT_ACCOUNTS, {
      records: [
        { id: 'initech', name: 'Initech', plan: 'free' },
        { id: 'initech', plan: 'pro', seats: 3 },
        { id: 'initech', plan: 'pro' },
      ],
    });
    expect(res.data?.upsertAccounts.results.map((r: any) => r.status)).toEqual(['CREATED', 'UPDATED', 'UNCHANGED']);
    expect(await dims('accounts', 'initech')).toEqual({ name: 'Initech', plan: 'pro', seats: 3 });
  });

  it('rejects a record with every one of its problems, and stores the valid records beside it', async () => {
    const res = await t.gql(UPSERT_ACCOUNTS, {
      records: [
        { id: 'valid-1', name: 'Valid One' },
        {
          name: 'No id',
          seats: -3,
          employeeCount: 1.5,
          mrr: 'lots',
          ownerEmail: 'not-an-email',
          createdAt: 'yesterday',
          custom: { $x: 1, 'ok key': { nested: true } },
        },
        { id: 'valid-2', name: 'Valid Two', custom: { 'ARR (USD)': '1200.50' } },
        null,
        { id: 'x'.repeat(300), name: 'Long id' },
        { id: 'too-long', name: 'Big', custom: { blob: 'y'.repeat(9000), seats: 3 } },
        { id: 'new-no-name', seats: 3 },
      ],
    });
    const payload = res.data?.upsertAccounts;
    expect(payload).toMatchObject({ received: 7, created: 2, rejected: 5 });
    const [, noId, , nul, longId, big, noName] = payload.results;
    expect(noId.errors.map((e: any) => [e.field, e.code])).toEqual([
      ['id', 'REQUIRED'],
      ['employeeCount', 'INVALID_NUMBER'],
      ['seats', 'INVALID_NUMBER'],
      ['mrr', 'TYPE_MISMATCH'],
      ['createdAt', 'INVALID_TIMESTAMP'],
      ['ownerEmail', 'INVALID_EMAIL'],
      ['custom.$x', 'INVALID_FIELD_KEY'],
      ['custom.ok key', 'TYPE_MISMATCH'],
    ]);
    expect(nul).toMatchObject({ index: 3, status: 'REJECTED', errors: [{ field: null, code: 'INVALID_RECORD' }] });
    expect(longId.errors.map((e: any) => e.code)).toEqual(['VALUE_TOO_LONG']);
    expect(big.errors.map((e: any) => [e.field, e.code])).toEqual([
      ['custom.blob', 'VALUE_TOO_LONG'],
      ['custom.seats', 'INVALID_FIELD_KEY'],
    ]);
    expect(noName.errors).toEqual([{ field: 'name', code: 'REQUIRED', message: expect.any(String) }]);
    // A record rejected for another reason also lists the missing required field, when it would be created.
    const both = await t.gql(UPSERT_ACCOUNTS, {
      records: [
        { id: 'nameless', seats: 'many' },
        { id: 'valid-1', seats: 'many' },
      ],
    });
    expect(both.data?.upsertAccounts.results.map((r: any) => r.errors.map((e: any) => `${e.field}:${e.code}`))).toEqual([
      ['seats:TYPE_MISMATCH', 'name:REQUIRED'],
      ['seats:TYPE_MISMATCH'],
    ]);
    expect(await dims('accounts', 'valid-2')).toEqual({ name: 'Valid Two', 'ARR (USD)': 1200.5 });
    expect(await dims('accounts', 'new-no-name')).toBeUndefined();
  });

  it('rejects text PostgreSQL cannot store (NUL, unpaired surrogates) per record instead of failing the call', async () => {
    const res = await t.gql(UPSERT_ACCOUNTS, {
      records: [
        { id: 'nul\u0000id', name: 'A' },
        { id: 'surrogate', name: 'B\ud800' },
        { id: 'key', name: 'C', custom: { 'a\u0000b': 'x' } },
        { id: 'fine-unicode', name: 'Zürich 🚀' },
      ],
    });
    expect(res.data?.upsertAccounts.results.map((r: any) => [r.status, r.errors.map((e: any) => `${e.field}:${e.code}`)])).toEqual([
      ['REJECTED', ['id:TYPE_MISMATCH']],
      ['REJECTED', ['name:TYPE_MISMATCH']],
      ['REJECTED', ['custom.a\u0000b:INVALID_FIELD_KEY']],
      ['CREATED', []],
    ]);
    const del = await t.gql(DELETE_ACCOUNTS, { ids: ['x\ud83d'] });
    expect(del.data?.deleteAccounts.results[0]).toMatchObject({ status: 'REJECTED', errors: [{ field: 'id', code: 'TYPE_MISMATCH' }] });
    expect(await dims('accounts', 'fine-unicode')).toEqual({ name: 'Zürich 🚀' });
  });

  it('rejects more fields than allowed per record', async () => {
    const custom = Object.fromEntries(Array.from({ length: 260 }, (_, i) => [`f${i}`, i]));
    const res = await t.gql(UPSERT_ACCOUNTS, { records: [{ id: 'wide', name: 'Wide', custom }] });
    expect(res.data?.upsertAccounts.results[0].errors.map((e: any) => e.code)).toEqual(['TOO_MANY_FIELDS']);
  });

  it('refuses a required field being cleared', async () => {
    const res = await t.gql(UPSERT_ACCOUNTS, { records: [{ id: 'acme', name: null }] });
    expect(res.data?.upsertAccounts.results[0]).toMatchObject({ status: 'REJECTED', errors: [{ field: 'name', code: 'REQUIRED' }] });
    expect((await dims('accounts', 'acme'))?.name).toBe('Acme');
  });

  it('update-only mode reports unknown IDs as NOT_FOUND and creates nothing', async () => {
    const res = await t.gql(UPSERT_ACCOUNTS, {
      mode: 'UPDATE_ONLY',
      records: [
        { id: 'acme', seats: 20 },
        { id: 'ghost', name: 'Ghost' },
      ],
    });
    expect(res.data?.upsertAccounts).toMatchObject({ updated: 1, notFound: 1, created: 0 });
    expect(res.data?.upsertAccounts.results.map((r: any) => r.status)).toEqual(['UPDATED', 'NOT_FOUND']);
    expect(await dims('accounts', 'ghost')).toBeUndefined();
  });

  it('refuses a call over the record limit as a whole with BATCH_TOO_LARGE', async () => {
    const records = Array.from({ length: 51 }, (_, i) => ({ id: `big-${i}`, name: 'x' }));
    const res = await t.gql(UPSERT_ACCOUNTS, { records });
    expect(res.errors?.[0]?.extensions?.code).toBe('BATCH_TOO_LARGE');
    expect(res.errors?.[0]?.extensions?.maximum).toBe(50);
    expect(await dims('accounts', 'big-0')).toBeUndefined();
  });

  it('is idempotent: the same batch three times gives the same state and UNCHANGED results', async () => {
    const records = [
      { id: 'idem-1', name: 'One', seats: 5, custom: { stage: 'trial' } },
      { id: 'idem-2', name: 'Two', createdAt: 1_700_000_000 },
      { id: 'bad', name: 'Bad', seats: 'many' },
    ];
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push((await t.gql(UPSERT_ACCOUNTS, { records })).data?.upsertAccounts);
    expect(runs.map((r) => r.results.map((x: any) => x.status))).toEqual([
      ['CREATED', 'CREATED', 'REJECTED'],
      ['UNCHANGED', 'UNCHANGED', 'REJECTED'],
      ['UNCHANGED', 'UNCHANGED', 'REJECTED'],
    ]);
    expect(await dims('accounts', 'idem-2')).toEqual({ name: 'Two', createdAt: '2023-11-14T22:13:20.000Z' });
  });

  it('lets two concurrent upserts of the same accounts with different fields both land', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `conc-${i}`);
    await Promise.all([
      t.gql(UPSERT_ACCOUNTS, { records: ids.map((id) => ({ id, name: `N ${id}`, seats: 7 })) }),
      t.gql(UPSERT_ACCOUNTS, { records: [...ids].reverse().map((id) => ({ id, name: `N ${id}`, region: 'APAC' })) }),
      t.gql(UPSERT_ACCOUNTS, { records: ids.map((id) => ({ id, name: `N ${id}`, custom: { health: 80 } })) }),
    ]);
    const stored = await query<{ dims: Record<string, unknown> }>(
      t,
      sql`select dims from accounts where workspace_id = ${t.workspaceId} and id like 'conc-%'`,
    );
    expect(stored).toHaveLength(20);
    for (const row of stored) expect(row.dims).toMatchObject({ seats: 7, region: 'APAC', health: 80 });
  });

  it('deletes accounts; unknown IDs are NOT_FOUND', async () => {
    const res = await t.gql(DELETE_ACCOUNTS, { ids: ['initech', 'nope', 'initech', null] });
    expect(res.data?.deleteAccounts.results.map((r: any) => r.status)).toEqual(['DELETED', 'NOT_FOUND', 'NOT_FOUND', 'REJECTED']);
    expect(res.data?.deleteAccounts).toMatchObject({ deleted: 1, notFound: 2, rejected: 1 });
    expect(await dims('accounts', 'initech')).toBeUndefined();
  });
});

describe('upsertUsers', () => {
  it('requires an id and a valid e-mail to create, and accepts an account that does not exist yet', async () => {
    const res = await t.gql(UPSERT_USERS, {
      records: [
        { id: 'u1', email: 'ada@acme.com', accountId: 'not-yet', firstName: 'Ada', lastSeenAt: '2026-11-01T10:00:00+02:00' },
        { id: 'u2', email: 'nope' },
        { id: 'u3', name: 'No Mail' },
      ],
    });
    expect(res.data?.upsertUsers.results.map((r: any) => [r.status, r.errors.map((e: any) => e.code)])).toEqual([
      ['CREATED', []],
      ['REJECTED', ['INVALID_EMAIL']],
      ['REJECTED', ['REQUIRED']],
    ]);
    expect(await dims('users', 'u1')).toEqual({
      email: 'ada@acme.com',
      accountId: 'not-yet',
      firstName: 'Ada',
      lastSeenAt: '2026-11-01T08:00:00.000Z',
    });
    const [row] = await query<{ account_id: string }>(
      t,
      sql`select account_id from users where workspace_id = ${t.workspaceId} and id = 'u1'`,
    );
    expect(row?.account_id).toBe('not-yet');
  });

  it('deletes users; unknown IDs are NOT_FOUND', async () => {
    await t.gql(UPSERT_USERS, { records: [{ id: 'gone', email: 'g@x.io' }] });
    const res = await t.gql(DELETE_USERS, { ids: ['gone', 'never'] });
    expect(res.data?.deleteUsers.results.map((r: any) => r.status)).toEqual(['DELETED', 'NOT_FOUND']);
  });
});

describe('tenant isolation', () => {
  it("workspace B's key cannot touch A's records", async () => {
    const b = await t.newWorkspace('B-ingest');
    const before = await dims('accounts', 'acme');
    const res = await t.gql(UPSERT_ACCOUNTS, { mode: 'UPDATE_ONLY', records: [{ id: 'acme', seats: 999 }] }, b.adminKey);
    expect(res.data?.upsertAccounts.results[0].status).toBe('NOT_FOUND');
    const del = await t.gql(DELETE_ACCOUNTS, { ids: ['acme'] }, b.adminKey);
    expect(del.data?.deleteAccounts.results[0].status).toBe('NOT_FOUND');
    const created = await t.gql(UPSERT_ACCOUNTS, { records: [{ id: 'acme', name: 'B Acme' }] }, b.adminKey);
    expect(created.data?.upsertAccounts.results[0].status).toBe('CREATED');
    expect(await dims('accounts', 'acme')).toEqual(before);
    expect(await dims('accounts', 'acme', b.workspaceId)).toEqual({ name: 'B Acme' });
  });

  it('needs the INGEST scope', async () => {
    const reader = await t.keyWithScopes(['READ']);
    const res = await t.gql(UPSERT_ACCOUNTS, { records: [{ id: 'r', name: 'R' }] }, reader);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await dims('accounts', 'r')).toBeUndefined();
  });
});
