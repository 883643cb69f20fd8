import { describe, expect, it } from 'vitest';
import { daysBefore, suiteApp } from '../support/harness.ts';
import { query, sql } from '../support/sql.ts';
import { DELETE_USERS, TRACK, UPSERT_ACCOUNTS, UPSERT_USERS } from './fragments.ts';

const t = suiteApp();

const ws = () => t.workspaceId;
const statuses = (res: any) => res.data?.trackEvents.results.map((r: any) => r.status);
const eventCount = async (where = sql`true`) =>
  (await query<{ n: number }>(t, sql`select count(*)::int as n from events where workspace_id = ${ws()} and ${where}`))[0]!.n;

/** Rollups must always equal a recount from raw events. */
async function expectRollupsMatchEvents() {
  const drift = await query(
    t,
    sql`
    with raw as (
      select name, (occurred_at at time zone 'UTC')::date as day, user_id, coalesce(account_id, '') as explicit, count(*)::int as n
      from events where workspace_id = ${ws()} group by 1, 2, 3, 4
    ), rolled as (
      select name, day, user_id, explicit_account_id as explicit, count::int as n from metric_daily where workspace_id = ${ws()}
    )
    select * from raw full join rolled using (name, day, user_id, explicit) where raw.n is distinct from rolled.n`,
  );
  expect(drift).toEqual([]);
  const names = await query(
    t,
    sql`select n.name from event_names n
        left join (select name, count(*)::int as c from events where workspace_id = ${ws()} group by name) e using (name)
        where n.workspace_id = ${ws()} and n.event_count <> coalesce(e.c, 0)`,
  );
  expect(names).toEqual([]);
}

describe('trackEvents', () => {
  it('stores events exactly once: replays and in-call repeats are DUPLICATE, forever', async () => {
    const records = [
      { name: 'Signed In', timestamp: '2026-11-02T09:00:00Z', userId: 'u1', properties: { source: 'web' } },
      { name: 'Signed In', timestamp: '2026-11-02T09:00:00Z', userId: 'u1', properties: { source: 'web' } },
      { name: 'Signed In', timestamp: '2026-11-02T09:00:00Z', userId: 'u1', properties: { source: 'api' } },
      { name: 'Ran Query', timestamp: '2026-11-02T10:00:00Z', userId: 'u1', eventId: 'q-1', properties: { duration_ms: 120 } },
    ];
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(statuses(await t.gql(TRACK, { records })));
    expect(runs).toEqual([
      ['CREATED', 'DUPLICATE', 'CREATED', 'CREATED'],
      ['DUPLICATE', 'DUPLICATE', 'DUPLICATE', 'DUPLICATE'],
      ['DUPLICATE', 'DUPLICATE', 'DUPLICATE', 'DUPLICATE'],
    ]);
    expect(await eventCount()).toBe(3);
    // The caller's eventId is the key: different content under the same id is still the same event.
    const sameId = await t.gql(TRACK, {
      records: [{ name: 'Ran Query', timestamp: '2026-11-03T10:00:00Z', userId: 'u9', eventId: 'q-1' }],
    });
    expect(statuses(sameId)).toEqual(['DUPLICATE']);
    await expectRollupsMatchEvents();
  });

  it('accepts ISO-8601 with offsets, dates, epoch seconds and milliseconds (numbers or numeric strings)', async () => {
    const res = await t.gql(TRACK, {
      records: [
        { name: 'T', timestamp: '2026-11-02T12:00:00+02:00', userId: 'tz' },
        { name: 'T', timestamp: '2026-11-02', userId: 'tz' },
        { name: 'T', timestamp: 1_793_000_000, userId: 'tz' },
        { name: 'T', timestamp: 1_793_000_001_000, userId: 'tz' },
        { name: 'T', timestamp: '1793000002', userId: 'tz' },
        { name: 'T', timestamp: '2026-11-02 08:30:00', userId: 'tz' },
      ],
    });
    expect(statuses(res)).toEqual(['CREATED', 'CREATED', 'CREATED', 'CREATED', 'CREATED', 'CREATED']);
    const stored = await query<{ at: string }>(
      t,
      sql`select to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') as at from events where workspace_id = ${ws()} and user_id = 'tz' order by occurred_at`,
    );
    expect(stored.map((r) => r.at)).toEqual([
      '2026-10-26T07:33:20',
      '2026-10-26T07:33:21',
      '2026-10-26T07:33:22',
      '2026-11-02T00:00:00',
      '2026-11-02T08:30:00',
      '2026-11-02T10:00:00',
    ]);
  });

  it('reports every problem of a rejected event and stores the valid ones beside it', async () => {
    const future = daysBefore(-25 / 24);
    const res = await t.gql(TRACK, {
      records: [
        {},
        { name: 'Bad time', timestamp: 'last tuesday', userId: 'u1' },
        { name: 'Old', timestamp: '1999-12-31T23:59:59Z', userId: 'u1' },
        { name: 'Future', timestamp: future, userId: 'u1' },
        { name: 'Props', timestamp: '2026-11-01T00:00:00Z', userId: 'u1', properties: { list: [1], ok: 1, '': 2 } },
        { name: 'Fine', timestamp: '2026-11-01T00:00:00Z', userId: 'u1', properties: { nothing: null } },
        null,
      ],
    });
    const results = res.data?.trackEvents.results;
    expect(results.map((r: any) => r.errors.map((e: any) => `${e.field}:${e.code}`))).toEqual([
      ['name:REQUIRED', 'userId:REQUIRED', 'timestamp:REQUIRED'],
      ['timestamp:INVALID_TIMESTAMP'],
      ['timestamp:TIMESTAMP_OUT_OF_RANGE'],
      ['timestamp:TIMESTAMP_OUT_OF_RANGE'],
      ['properties.list:TYPE_MISMATCH', 'properties.:INVALID_FIELD_KEY'],
      [],
      ['null:INVALID_RECORD'],
    ]);
    expect(res.data?.trackEvents).toMatchObject({ received: 7, created: 1, rejected: 6 });
    expect(await eventCount(sql`name = 'Fine'`)).toBe(1);
  });

  it('attributes events without an account to their user’s account, retroactively and when the user moves', async () => {
    // Events arrive before the user and before any account.
    await t.gql(TRACK, {
      records: [
        { name: 'Viewed Page', timestamp: '2026-11-01T08:00:00Z', userId: 'late-user', properties: { duration_ms: 30 } },
        { name: 'Viewed Page', timestamp: '2026-11-02T08:00:00Z', userId: 'late-user', properties: { duration_ms: 50 } },
        { name: 'Viewed Page', timestamp: '2026-11-02T09:00:00Z', userId: 'late-user', accountId: 'explicit-acc' },
      ],
    });
    const byAccount = async () =>
      await query<{ account: string | null; n: number }>(
        t,
        sql`select account_id as account, sum(count)::int as n from metric_daily
            where workspace_id = ${ws()} and user_id = 'late-user' group by account_id order by account_id nulls first`,
      );
    expect(await byAccount()).toEqual([
      { account: null, n: 2 },
      { account: 'explicit-acc', n: 1 },
    ]);

    await t.gql(UPSERT_USERS, { records: [{ id: 'late-user', email: 'late@corp.io', accountId: 'corp' }] });
    expect(await byAccount()).toEqual([
      { account: 'corp', n: 2 },
      { account: 'explicit-acc', n: 1 },
    ]);
    const [values] = await query<{ account: string; sum: number }>(
      t,
      sql`select account_id as account, sum(sum)::float8 as sum from property_daily where workspace_id = ${ws()} and user_id = 'late-user' group by 1`,
    );
    expect(values).toEqual({ account: 'corp', sum: 80 });

    // New events of a known user are attributed at once; when the user moves, history follows.
    await t.gql(TRACK, { records: [{ name: 'Viewed Page', timestamp: '2026-11-03T08:00:00Z', userId: 'late-user' }] });
    await t.gql(UPSERT_USERS, { records: [{ id: 'late-user', accountId: 'newco' }] });
    expect(await byAccount()).toEqual([
      { account: 'explicit-acc', n: 1 },
      { account: 'newco', n: 3 },
    ]);
    // Deleting the user keeps its events but they no longer count for any account.
    await t.gql(DELETE_USERS, { ids: ['late-user'] });
    expect(await byAccount()).toEqual([
      { account: null, n: 3 },
      { account: 'explicit-acc', n: 1 },
    ]);
    await expectRollupsMatchEvents();
  });

  it('purges a deleted user’s events and rollups on request', async () => {
    await t.gql(UPSERT_USERS, { records: [{ id: 'purge-me', email: 'p@x.io' }] });
    await t.gql(TRACK, { records: [{ name: 'Purgeable', timestamp: '2026-11-01T00:00:00Z', userId: 'purge-me' }] });
    expect(await eventCount(sql`user_id = 'purge-me'`)).toBe(1);
    const res = await t.gql(DELETE_USERS, { ids: ['purge-me'], purge: true });
    expect(res.data?.deleteUsers.results[0].status).toBe('DELETED');
    expect(await eventCount(sql`user_id = 'purge-me'`)).toBe(0);
    await expectRollupsMatchEvents();
  });

  it('costs a constant number of SQL statements whatever the batch size', async () => {
    const batch = (n: number, tag: string) =>
      Array.from({ length: n }, (_, i) => ({
        name: `Bulk ${i % 5}`,
        timestamp: new Date(Date.UTC(2026, 9, 1) + i * 60_000).toISOString(),
        userId: `bulk-${i % 37}`,
        accountId: i % 3 === 0 ? `acc-${i % 11}` : null,
        properties: { n: i, tag },
      }));
    const measure = async (n: number, tag: string) => {
      const before = t.database.stats.statements;
      const res = await t.gql(TRACK, { records: batch(n, tag) });
      expect(res.data?.trackEvents.created).toBe(n);
      return t.database.stats.statements - before;
    };
    // Same shape of batch twice: the catalog learns the fields on the first call, so compare calls 2 and 3.
    await measure(5, 'warm-up');
    const small = await measure(5, 'small');
    const large = await measure(1000, 'large');
    expect(large).toBe(small);
    expect(small).toBeLessThanOrEqual(8);

    const upserts = async (n: number, prefix: string) => {
      const before = t.database.stats.statements;
      await t.gql(UPSERT_USERS, {
        records: Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, email: `${prefix}${i}@x.io`, accountId: `acc-${i % 7}` })),
      });
      return t.database.stats.statements - before;
    };
    await upserts(3, 'warm');
    expect(await upserts(1000, 'many')).toBe(await upserts(3, 'few'));
    await expectRollupsMatchEvents();
  });

  it('stores nothing when the database fails mid-call, and says SERVICE_UNAVAILABLE (retryable)', async () => {
    // A trigger on the last table the call writes makes the database fail after the events were inserted.
    await t.database.db.execute(sql`
      create function fail_now() returns trigger language plpgsql as $$
      begin raise exception 'injected failure' using errcode = '08006'; end $$`);
    await t.database.db.execute(
      sql`create trigger fail_catalog before insert or update on catalog_fields for each row execute function fail_now()`,
    );
    try {
      const before = await eventCount();
      const res = await t.gql(TRACK, {
        records: [{ name: 'Doomed', timestamp: '2026-11-01T00:00:00Z', userId: 'd1', properties: { x: 1 } }],
      });
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBeDefined();
      expect(res.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(await eventCount()).toBe(before);
      expect(await query(t, sql`select 1 from metric_daily where workspace_id = ${ws()} and name = 'Doomed'`)).toEqual([]);

      const acc = await t.gql(UPSERT_ACCOUNTS, { records: [{ id: 'doomed', name: 'Doomed' }] });
      expect(acc.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(await query(t, sql`select 1 from accounts where workspace_id = ${ws()} and id = 'doomed'`)).toEqual([]);
    } finally {
      await t.database.db.execute(sql`drop trigger fail_catalog on catalog_fields`);
    }
    const retried = await t.gql(TRACK, {
      records: [{ name: 'Doomed', timestamp: '2026-11-01T00:00:00Z', userId: 'd1', properties: { x: 1 } }],
    });
    expect(statuses(retried)).toEqual(['CREATED']);
  });
});

describe('catalog', () => {
  const field = async (object: string, key: string) =>
    (
      await query<{ type: string | null; declared_type: string | null; semantic: string | null; label: string; is_default: boolean }>(
        t,
        sql`select type, declared_type, semantic, label, is_default from catalog_fields where workspace_id = ${ws()} and object = ${object} and key = ${key}`,
      )
    )[0];

  it('registers every field received with an inferred type and meaning', async () => {
    await t.gql(UPSERT_ACCOUNTS, {
      records: [
        {
          id: 'cat-1',
          name: 'Cat One',
          seats: 4,
          custom: { num_employees: '120', hq_country: 'FR', csm_email: 'csm@us.io', plan_tier: 'gold', 'ARR (USD)': 100 },
        },
        { id: 'cat-2', name: 'Cat Two', custom: { plan_tier: 42, renewal_date: '2027-01-01' } },
      ],
    });
    expect(await field('ACCOUNT', 'num_employees')).toMatchObject({
      type: 'NUMBER',
      semantic: 'EMPLOYEE_COUNT',
      label: 'Num Employees',
      is_default: false,
    });
    expect(await field('ACCOUNT', 'hq_country')).toMatchObject({ type: 'STRING', semantic: 'COUNTRY' });
    expect(await field('ACCOUNT', 'csm_email')).toMatchObject({ type: 'EMAIL', semantic: 'OWNER' });
    expect(await field('ACCOUNT', 'ARR (USD)')).toMatchObject({ type: 'NUMBER', semantic: 'ARR', label: 'ARR (USD)' });
    expect(await field('ACCOUNT', 'renewal_date')).toMatchObject({ type: 'DATETIME', semantic: 'RENEWAL_DATE' });
    expect(await field('ACCOUNT', 'plan_tier')).toMatchObject({ type: 'MIXED' });
    expect(await field('ACCOUNT', 'seats')).toMatchObject({ type: 'NUMBER', semantic: 'SEATS', is_default: true });
    await t.gql(TRACK, {
      records: [{ name: 'Exported Data', timestamp: '2026-11-01T00:00:00Z', userId: 'c1', properties: { rows: '1500' } }],
    });
    expect(await field('EVENT', 'rows')).toMatchObject({ type: 'NUMBER' });
  });

  it('enforces a declared custom field type per record (TYPE_MISMATCH) and refuses a conflicting declaration', async () => {
    const declare = `mutation($input: CreateCustomFieldInput!) { createCustomField(input: $input) { field { key type declaredType label } userErrors { field code message } } }`;
    const ok = await t.gql(declare, { input: { object: 'ACCOUNT', key: 'health', type: 'NUMBER', label: 'Health score' } });
    expect(ok.data?.createCustomField).toEqual({
      field: { key: 'health', type: 'NUMBER', declaredType: 'NUMBER', label: 'Health score' },
      userErrors: [],
    });
    const again = await t.gql(declare, { input: { object: 'ACCOUNT', key: 'health', type: 'NUMBER' } });
    expect(again.data?.createCustomField.userErrors).toEqual([]);
    const conflict = await t.gql(declare, { input: { object: 'ACCOUNT', key: 'health', type: 'STRING' } });
    expect(conflict.data?.createCustomField.userErrors[0].code).toBe('CONFLICT');
    const inferredConflict = await t.gql(declare, { input: { object: 'ACCOUNT', key: 'hq_country', type: 'NUMBER' } });
    expect(inferredConflict.data?.createCustomField.userErrors[0].code).toBe('CONFLICT');
    const reserved = await t.gql(declare, { input: { object: 'ACCOUNT', key: 'seats', type: 'NUMBER' } });
    expect(reserved.data?.createCustomField.userErrors[0].code).toBe('INVALID');
    const badLabel = await t.gql(declare, { input: { object: 'ACCOUNT', key: 'labelled', type: 'NUMBER', label: 'a\u0000b' } });
    expect(badLabel.data?.createCustomField.userErrors[0]).toMatchObject({ field: ['input', 'label'], code: 'INVALID' });

    const res = await t.gql(UPSERT_ACCOUNTS, {
      records: [
        { id: 'h1', name: 'H1', custom: { health: '87' } },
        { id: 'h2', name: 'H2', custom: { health: 'great' } },
      ],
    });
    expect(res.data?.upsertAccounts.results.map((r: any) => [r.status, r.errors.map((e: any) => `${e.field}:${e.code}`)])).toEqual([
      ['CREATED', []],
      ['REJECTED', ['custom.health:TYPE_MISMATCH']],
    ]);
    const [stored] = await query<{ dims: Record<string, unknown> }>(
      t,
      sql`select dims from accounts where workspace_id = ${ws()} and id = 'h1'`,
    );
    expect(stored?.dims.health).toBe(87);
  });
});
