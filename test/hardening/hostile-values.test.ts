import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../src/db/client.ts';
import { dataException } from '../../src/errors.ts';
import { contentKey } from '../../src/ingest/records.ts';
import { TRACK, UPSERT_ACCOUNTS, UPSERT_USERS } from '../ingest/fragments.ts';
import { type GqlResponse, suiteApp } from '../support/harness.ts';
import { query, sql } from '../support/sql.ts';

// Values that fail batches and text that parses differently in two places: values
// that used to fail whole batches, fail reads on stored data, or reach clients as internal errors.
// Every case here failed before the fix (HTTP 500/503, INTERNAL_SERVER_ERROR, or a wrong answer).

const t = suiteApp({ RATE_LIMIT_INGEST_PER_SECOND: '0', RATE_LIMIT_READ_PER_SECOND: '0', RATE_LIMIT_ADMIN_PER_SECOND: '0' });

const ws = () => t.workspaceId;
/** The data part of migration 0003, run again over rows written the way earlier versions wrote them. */
async function runHandWrittenMigration() {
  const migration = readFileSync(`${MIGRATIONS_FOLDER}/0003_exact_sums_event_key_space.sql`, 'utf8');
  for (const statement of migration.slice(migration.indexOf('-- hand-written:')).split('--> statement-breakpoint')) {
    await query(t, sql.raw(statement));
  }
}
const codes = (res: GqlResponse) => (res.errors ?? []).map((e) => e.extensions?.code);
/** A well-formed answer: no internal error, no outage, HTTP 200. */
function expectAnswered(res: GqlResponse) {
  expect(res.status).toBe(200);
  expect(codes(res)).toEqual([]);
}
function expectBadInput(res: GqlResponse) {
  expect(res.status).toBeLessThan(500);
  expect(codes(res)).toEqual(['BAD_USER_INPUT']);
}

describe('numbers near the float8 limit', () => {
  const BIG = 1.5e308;
  const SERIES = `query($input: MetricSeriesInput!) { metricSeries(input: $input) { total points { value } } }`;
  const series = (aggregate: string, extra: Record<string, unknown> = {}) =>
    t.gql(SERIES, {
      input: { metric: { property: 'amount' }, from: '2026-11-01T00:00:00Z', to: '2026-11-04T00:00:00Z', aggregate, ...extra },
    });

  it('two huge values on one rollup row are stored with the valid events of their batch, and later batches on that row too', async () => {
    const res = await t.gql(TRACK, {
      records: [
        { name: 'Paid', timestamp: '2026-11-01T09:00:00Z', userId: 'big', properties: { amount: BIG } },
        { name: 'Paid', timestamp: '2026-11-01T10:00:00Z', userId: 'big', properties: { amount: BIG } },
        { name: 'Paid', timestamp: '2026-11-01T11:00:00Z', userId: 'small', properties: { amount: 5 } },
      ],
    });
    expectAnswered(res);
    expect(res.data?.trackEvents).toMatchObject({ created: 3, rejected: 0 });
    await t.gql(UPSERT_USERS, { records: [{ id: 'big', email: 'big@example.com' }] });
    const later = await t.gql(TRACK, {
      records: [{ name: 'Paid', timestamp: '2026-11-01T12:00:00Z', userId: 'big', properties: { amount: BIG } }],
    });
    expectAnswered(later);
    expect(later.data?.trackEvents.created).toBe(1);
    // Separate days: each rollup row fits a double, their sum does not (what earlier versions could store).
    const otherDays = await t.gql(TRACK, {
      records: [
        { name: 'Paid', timestamp: '2026-11-02T09:00:00Z', userId: 'big', properties: { amount: 1.7e308 } },
        { name: 'Paid', timestamp: '2026-11-03T09:00:00Z', userId: 'neg', properties: { amount: -1.7e308 } },
      ],
    });
    expect(otherDays.data?.trackEvents.created).toBe(2);
    const [row] = await query<{ sum: string }>(
      t,
      sql`select sum::text as sum from property_daily where workspace_id = ${ws()} and user_id = 'big' and day = '2026-11-01'`,
    );
    // Kept exact (numeric): 3 × 1.5e308 = 4.5e308, beyond any double.
    expect(row?.sum).toMatch(/^45\d{307}(\.0+)?$/);
  });

  it('metrics, metricSeries SUM/AVG and the per-record metric answer with finite numbers', async () => {
    const metrics = await t.gql(`{ metrics(kind: VALUE) { name total eventCount } }`);
    expectAnswered(metrics);
    expect(metrics.data?.metrics).toContainEqual({ name: 'amount', total: Number.MAX_VALUE, eventCount: 6 });

    const sum = await series('SUM');
    expectAnswered(sum);
    expect(sum.data?.metricSeries.total).toBe(Number.MAX_VALUE);
    expect(sum.data?.metricSeries.points.map((p: { value: number }) => p.value)).toEqual([Number.MAX_VALUE, 1.7e308, -1.7e308]);
    const avg = await series('AVG');
    expectAnswered(avg);
    expect(avg.data?.metricSeries.total).toBeCloseTo(BIG / 2, -300); // (3 × 1.5e308 + 5 + 1.7e308 − 1.7e308) / 6
    // Non-UTC zones read the raw events instead of the rollups: the same holds there.
    const zoned = await series('SUM', { timeZone: 'Europe/Berlin' });
    expectAnswered(zoned);
    expect(zoned.data?.metricSeries.total).toBe(Number.MAX_VALUE);

    const perUser = await t.gql(
      `{ user(id: "big") { metric(metric: { property: "amount" }, aggregate: SUM) } users(orderBy: { metric: { metric: { property: "amount" }, aggregate: SUM, window: { lastDays: 3660 } } }) { nodes { id } } }`,
    );
    expectAnswered(perUser);
  });

  it('the dimensions page and dimensionBreakdown answer over ±1.7e308 values', async () => {
    const accounts = await t.gql(UPSERT_ACCOUNTS, {
      records: [
        { id: 'huge-1', name: 'Huge 1', custom: { exposure: 1.7e308 } },
        { id: 'huge-2', name: 'Huge 2', custom: { exposure: -1.7e308 } },
        { id: 'huge-3', name: 'Huge 3', custom: { exposure: 1.7e308 } },
      ],
    });
    expect(accounts.data?.upsertAccounts.created).toBe(3);
    for (const object of ['ACCOUNT', 'EVENT']) {
      const page = await t.gql(
        `query($object: ObjectKind!) { dimensions(object: $object) { key coverage topValues { value count } numericStats { min max avg sum } } }`,
        { object },
      );
      expectAnswered(page);
    }
    const page = await t.gql(`{ dimensions(object: ACCOUNT) { key numericStats { min max avg sum } } }`);
    const exposure = page.data?.dimensions.find((d: { key: string }) => d.key === 'exposure');
    expect(exposure.numericStats).toMatchObject({ min: -1.7e308, max: 1.7e308, sum: 1.7e308 });
    expect(exposure.numericStats.avg).toBeCloseTo(1.7e308 / 3, -295);

    for (const [object, key] of [
      ['ACCOUNT', 'exposure'],
      ['EVENT', 'amount'],
    ]) {
      const breakdown = await t.gql(
        `query($object: ObjectKind!, $key: String!) { dimensionBreakdown(object: $object, key: $key, buckets: 4) { total missing buckets { from to count } } }`,
        { object, key },
      );
      expectAnswered(breakdown);
      const buckets = breakdown.data?.dimensionBreakdown.buckets as Array<{ from: number; to: number; count: number }>;
      expect(buckets).toHaveLength(4);
      expect(buckets.every((b) => Number.isFinite(b.from) && Number.isFinite(b.to))).toBe(true);
      const { total, missing } = breakdown.data?.dimensionBreakdown;
      expect(buckets.reduce((n, b) => n + b.count, 0)).toBe(total - missing);
      expect(buckets[0]?.count).toBeGreaterThan(0);
    }
  });
});

describe('bind parameters', () => {
  it('1,000 records × 66 new custom keys (66,000 keys) are stored, not refused as an outage', { timeout: 120_000 }, async () => {
    const records = Array.from({ length: 1000 }, (_, i) => ({
      id: `wide-${i}`,
      name: `Wide ${i}`,
      custom: Object.fromEntries(Array.from({ length: 66 }, (_, k) => [`w${i}_${k}`, k])),
    }));
    const res = await t.gql(UPSERT_ACCOUNTS, { records });
    expectAnswered(res);
    const outcome = res.data?.upsertAccounts;
    expect(outcome.results).toHaveLength(1000);
    expect(outcome.created).toBeGreaterThan(0);
    // Whatever a per-call cap on new keys may reject, it is a per-record answer.
    expect(outcome.created + outcome.rejected).toBe(1000);
  });
});

describe('database errors reaching clients', () => {
  const NUL = 'a\u0000b';

  it('a NUL in account(id:) or user(id:) finds nothing', async () => {
    const res = await t.gql(`query($id: ID!) { account(id: $id) { id } user(id: $id) { id } }`, { id: NUL });
    expectAnswered(res);
    expect(res.data).toEqual({ account: null, user: null });
  });

  it('a NUL in rotateApiKey/revokeApiKey ids and in key or integration names is a user error', async () => {
    const rotate = await t.gql(
      `mutation($id: ID!) { rotateApiKey(input: { id: $id }) { userErrors { code } } revokeApiKey(input: { id: $id }) { userErrors { code } } }`,
      {
        id: NUL,
      },
    );
    expectAnswered(rotate);
    expect(rotate.data).toEqual({
      rotateApiKey: { userErrors: [{ code: 'NOT_FOUND' }] },
      revokeApiKey: { userErrors: [{ code: 'NOT_FOUND' }] },
    });
    const create = await t.gql(
      `mutation($name: String!) { createApiKey(input: { name: $name, scopes: [READ] }) { secret userErrors { field code } } connectHightouch(input: { name: $name }) { secret userErrors { field code } } }`,
      { name: NUL },
    );
    expectAnswered(create);
    expect(create.data?.createApiKey).toEqual({ secret: null, userErrors: [{ field: ['input', 'name'], code: 'INVALID' }] });
    expect(create.data?.connectHightouch).toEqual({ secret: null, userErrors: [{ field: ['input', 'name'], code: 'INVALID' }] });
  });

  it('a NUL in filter values, event names or property names is BAD_USER_INPUT', async () => {
    expectBadInput(await t.gql(`query($v: FieldValue) { accounts(filter: [{ key: "name", eq: $v }]) { nodes { id } } }`, { v: NUL }));
    expectBadInput(
      await t.gql(`query($v: [FieldValue!]) { users(filter: [{ key: "email", in: $v }]) { nodes { id } } }`, { v: ['x', NUL] }),
    );
    expectBadInput(await t.gql(`query($v: String) { accounts(filter: [{ key: "name", contains: $v }]) { nodes { id } } }`, { v: NUL }));
    const from = '2026-11-01T00:00:00Z';
    const to = '2026-11-02T00:00:00Z';
    const seriesOf = (metric: Record<string, string>) =>
      t.gql(`query($input: MetricSeriesInput!) { metricSeries(input: $input) { total } }`, { input: { metric, from, to } });
    expectBadInput(await seriesOf({ event: NUL }));
    expectBadInput(await seriesOf({ property: NUL }));
    expectBadInput(await t.gql(`query($e: String) { account(id: "huge-1") { metric(metric: { event: $e }) } }`, { e: NUL }));
    expectBadInput(await t.gql(`query($e: String) { user(id: "big") { events(name: $e) { nodes { id } } } }`, { e: NUL }));
  });

  it('a zone JavaScript knows but PostgreSQL does not (US/Pacific-New) gets its series', async () => {
    await t.gql(TRACK, { records: [{ name: 'Zoned', timestamp: '2026-11-01T12:00:00Z', userId: 'zoned' }] });
    const res = await t.gql(`query($input: MetricSeriesInput!) { metricSeries(input: $input) { timeZone total points { start value } } }`, {
      input: { metric: { event: 'Zoned' }, from: '2026-11-01T00:00:00Z', to: '2026-11-03T00:00:00Z', timeZone: 'US/Pacific-New' },
    });
    expectAnswered(res);
    expect(res.data?.metricSeries).toMatchObject({ timeZone: 'US/Pacific-New', total: 1 });
    expect(res.data?.metricSeries.points[0]).toEqual({ start: '2026-10-31T07:00:00.000Z', value: 0 });
    expect(res.data?.metricSeries.points[1]).toEqual({ start: '2026-11-01T07:00:00.000Z', value: 1 });
  });

  it('a forged events cursor is BAD_USER_INPUT', async () => {
    const forged = Buffer.from(JSON.stringify(['hrRPwn5FDoq_', 'not-a-date', 'x'])).toString('base64url');
    expectBadInput(await t.gql(`query($after: String) { user(id: "big") { events(after: $after) { nodes { id } } } }`, { after: forged }));
    const nulId = Buffer.from(JSON.stringify(['x', 'y', NUL])).toString('base64url');
    expectBadInput(await t.gql(`query($after: String) { accounts(after: $after) { nodes { id } } }`, { after: nulId }));
  });

  it('series and windows in year 0000 or 9999 are BAD_USER_INPUT', async () => {
    const SERIES = `query($input: MetricSeriesInput!) { metricSeries(input: $input) { total } }`;
    for (const [from, to] of [
      ['0000-01-01T00:00:00Z', '0000-02-01T00:00:00Z'],
      ['9999-12-01T00:00:00Z', '9999-12-31T23:00:00Z'],
    ]) {
      expectBadInput(await t.gql(SERIES, { input: { metric: { event: 'Paid' }, from, to } }));
      expectBadInput(
        await t.gql(
          `query($from: DateTime!, $to: DateTime!) { account(id: "huge-1") { metricSeries(metric: { event: "Paid" }, from: $from, to: $to) { total } } }`,
          {
            from,
            to,
          },
        ),
      );
      expectBadInput(
        await t.gql(
          `query($from: DateTime!, $to: DateTime!) { account(id: "huge-1") { metric(metric: { event: "Paid" }, window: { from: $from, to: $to }) } }`,
          {
            from,
            to,
          },
        ),
      );
    }
  });

  it('a data exception the validation missed is recognised as the input’s fault (class 22 → BAD_USER_INPUT)', async () => {
    const failure = await query(t, sql`select ${'a\u0000b'}::text as x`).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(dataException(failure)?.sqlState).toMatch(/^22/);
    const overflow = await query(t, sql`select (1e308::float8 * 10) as x`).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(dataException(overflow)?.sqlState).toBe('22003');
  });
});

describe('user-chosen keys that name Object.prototype members', () => {
  it('dimensionBreakdown, filters and orderBy on an event property named valueOf', async () => {
    const res = await t.gql(TRACK, {
      records: [
        { name: 'Proto', timestamp: '2026-11-05T09:00:00Z', userId: 'p1', properties: { valueOf: 3, toString: 'x', hasOwnProperty: true } },
        { name: 'Proto', timestamp: '2026-11-05T10:00:00Z', userId: 'p1', properties: { valueOf: 7, toString: 'y' } },
      ],
    });
    expect(res.data?.trackEvents.created).toBe(2);
    for (const key of ['valueOf', 'toString', 'hasOwnProperty']) {
      const breakdown = await t.gql(`query($key: String!) { dimensionBreakdown(object: EVENT, key: $key) { total missing } }`, { key });
      expectAnswered(breakdown);
      expect(breakdown.data?.dimensionBreakdown.total).toBeGreaterThan(0);
    }
    const filtered = await t.gql(
      `{ dimensionBreakdown(object: EVENT, key: "toString", filter: [{ key: "valueOf", gt: 5 }]) { total buckets { value count } } }`,
    );
    expectAnswered(filtered);
    expect(filtered.data?.dimensionBreakdown).toEqual({ total: 1, buckets: [{ value: 'y', count: 1 }] });
  });

  it('dimension(key:) answers null for __proto__, constructor and other inherited names', async () => {
    await t.gql(UPSERT_ACCOUNTS, { records: [{ id: 'proto-acct', name: 'Proto', custom: { valueOf: 'own value' } }] });
    const res = await t.gql(
      `{ account(id: "proto-acct") { proto: dimension(key: "__proto__") ctor: dimension(key: "constructor") str: dimension(key: "toString") own: dimension(key: "valueOf") } }`,
    );
    expectAnswered(res);
    expect(res.data?.account).toEqual({ proto: null, ctor: null, str: null, own: 'own value' });
    const unknown = await t.gql(`{ accounts(filter: [{ key: "constructor", exists: true }]) { nodes { id } } }`);
    expectBadInput(unknown);
  });
});

describe('one timestamp parser, one ID rule, two key spaces', () => {
  it('"+02" offsets are typed DATETIME, stored as the UTC instant and compared as instants by filters', async () => {
    const res = await t.gql(UPSERT_ACCOUNTS, {
      records: [{ id: 'offset-acct', name: 'Offset', custom: { renewal_at: '2026-03-01T12:00:00+02' } }],
    });
    expect(res.data?.upsertAccounts.created).toBe(1);
    const [row] = await query<{ v: string }>(
      t,
      sql`select dims ->> 'renewal_at' as v from accounts where workspace_id = ${ws()} and id = 'offset-acct'`,
    );
    expect(row?.v).toBe('2026-03-01T10:00:00.000Z');
    const dims = await t.gql(`{ dimensions(object: ACCOUNT) { key type } }`);
    expect(dims.data?.dimensions).toContainEqual({ key: 'renewal_at', type: 'DATETIME' });
    const laterThan = (value: string) =>
      t.gql(`query($v: FieldValue) { accounts(filter: [{ key: "renewal_at", gt: $v }]) { nodes { id } } }`, { v: value });
    expect((await laterThan('2026-03-01T11:00:00Z')).data?.accounts.nodes).toEqual([]);
    expect((await laterThan('2026-03-01T11:30:00+02')).data?.accounts.nodes).toEqual([{ id: 'offset-acct' }]);
    expect((await laterThan('2026-03-01T09:59:59,5Z')).data?.accounts.nodes).toEqual([{ id: 'offset-acct' }]);
  });

  it('events accept the "+02" and "+0200" offset forms', async () => {
    const res = await t.gql(TRACK, {
      records: [
        { name: 'Offset', timestamp: '2026-11-01T12:00:00+02', userId: 'off' },
        { name: 'Offset', timestamp: '2026-11-01T12:00:00-0530', userId: 'off' },
      ],
    });
    expect(res.data?.trackEvents.results.map((r: { status: string }) => r.status)).toEqual(['CREATED', 'CREATED']);
    const stored = await query<{ at: string }>(
      t,
      sql`select to_char(occurred_at at time zone 'UTC', 'HH24:MI') as at from events where workspace_id = ${ws()} and user_id = 'off' order by occurred_at`,
    );
    expect(stored.map((r) => r.at)).toEqual(['10:00', '17:30']);
  });

  it('IDs are trimmed and NFC-normalised on write and on read', async () => {
    const nfc = 'caf\u00e9';
    const nfd = 'cafe\u0301';
    const res = await t.gql(UPSERT_ACCOUNTS, {
      records: [
        { id: 'norm ', name: 'Norm' },
        { id: nfc, name: 'Café NFC' },
        { id: nfd, name: 'Café NFD' },
      ],
    });
    expect(res.data?.upsertAccounts.results.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([
      ['norm', 'CREATED'],
      [nfc, 'CREATED'],
      [nfc, 'UPDATED'],
    ]);
    const read = await t.gql(`query($a: ID!, $b: ID!) { a: account(id: $a) { id } b: account(id: $b) { id name } }`, {
      a: 'norm ',
      b: nfd,
    });
    expect(read.data).toEqual({ a: { id: 'norm' }, b: { id: nfc, name: 'Café NFD' } });
    await t.gql(UPSERT_USERS, { records: [{ id: ` ${nfd}-user`, email: 'cafe@example.com', accountId: `${nfd} ` }] });
    const user = await t.gql(`query($id: ID!) { user(id: $id) { id accountId account { id } } }`, { id: `${nfc}-user` });
    expect(user.data?.user).toEqual({ id: `${nfc}-user`, accountId: nfc, account: { id: nfc } });
    const filtered = await t.gql(`query($v: FieldValue) { users(filter: [{ key: "accountId", eq: $v }]) { nodes { id } } }`, { v: nfd });
    expect(filtered.data?.users.nodes).toEqual([{ id: `${nfc}-user` }]);
    const scoped = await t.gql(`query($input: MetricSeriesInput!) { metricSeries(input: $input) { total } }`, {
      input: { metric: { event: 'Paid' }, from: '2026-11-01T00:00:00Z', to: '2026-11-04T00:00:00Z', scope: { userId: ' big ' } },
    });
    expect(scoped.data?.metricSeries.total).toBe(4);
  });

  it('ID length is counted in characters everywhere: 256 × € is an account ID and a user’s account_id', async () => {
    const euros = '€'.repeat(256);
    const accounts = await t.gql(UPSERT_ACCOUNTS, {
      records: [
        { id: euros, name: 'Euro' },
        { id: `${euros}€`, name: 'Too long' },
      ],
    });
    expect(accounts.data?.upsertAccounts.results.map((r: { status: string }) => r.status)).toEqual(['CREATED', 'REJECTED']);
    expect(accounts.data?.upsertAccounts.results[1].errors[0]).toMatchObject({ field: 'id', code: 'VALUE_TOO_LONG' });
    const users = await t.gql(UPSERT_USERS, {
      records: [
        { id: 'euro-user', email: 'euro@example.com', accountId: euros },
        { id: 'euro-user-2', email: 'euro2@example.com', accountId: `${euros}€` },
      ],
    });
    expect(users.data?.upsertUsers.results.map((r: { status: string }) => r.status)).toEqual(['CREATED', 'REJECTED']);
    expect(users.data?.upsertUsers.results[1].errors[0]).toMatchObject({ field: 'accountId', code: 'VALUE_TOO_LONG' });
    const user = await t.gql(`{ user(id: "euro-user") { account { name } } }`);
    expect(user.data?.user.account).toEqual({ name: 'Euro' });
    const events = await t.gql(TRACK, {
      records: [{ name: '😀'.repeat(256), timestamp: '2026-11-01T00:00:00Z', userId: euros, eventId: euros }],
    });
    expect(events.data?.trackEvents.created).toBe(1);
  });

  it('an eventId shaped like a content hash never collides with the hash of another event', async () => {
    const first = await t.gql(TRACK, { records: [{ name: 'Hashed', timestamp: '2026-11-01T08:00:00Z', userId: 'hash-user' }] });
    const hash = first.data?.trackEvents.results[0].id as string;
    expect(hash).toMatch(/^h:[0-9a-f]{64}$/);
    const forged = { name: 'Other', timestamp: '2026-11-01T09:00:00Z', userId: 'forger', eventId: hash };
    const second = await t.gql(TRACK, { records: [forged, { ...forged, eventId: `id:${hash}` }] });
    expect(second.data?.trackEvents.results.map((r: { status: string }) => r.status)).toEqual(['CREATED', 'CREATED']);
    expect((await t.gql(TRACK, { records: [forged] })).data?.trackEvents.results[0].status).toBe('DUPLICATE');
    const stored = await query<{ n: number }>(
      t,
      sql`select count(*)::int as n from events where workspace_id = ${ws()} and (user_id = 'hash-user' or user_id = 'forger')`,
    );
    expect(stored[0]?.n).toBe(3);
  });

  it('events stored under the old rule stay exactly-once: the migration re-keys them', async () => {
    // As written before the change: dedup_key = event_id, even when shaped like a content key.
    const legacy = contentKey('Legacy', 'legacy-user', new Date('2026-11-01T00:00:00Z'), null, {});
    for (const key of [legacy, `id:${legacy}`, `id:id:${legacy}`]) {
      await query(
        t,
        sql`insert into events (workspace_id, dedup_key, event_id, name, occurred_at, user_id) values (${ws()}, ${key}, ${key}, 'Legacy', '2026-11-01T00:00:00Z', 'legacy-user')`,
      );
    }
    await runHandWrittenMigration();
    const replay = await t.gql(TRACK, {
      records: [legacy, `id:${legacy}`, `id:id:${legacy}`].map((eventId) => ({
        name: 'Legacy',
        timestamp: '2026-11-01T00:00:00Z',
        userId: 'legacy-user',
        eventId,
      })),
    });
    expect(replay.data?.trackEvents.results.map((r: { status: string }) => r.status)).toEqual(['DUPLICATE', 'DUPLICATE', 'DUPLICATE']);
  });

  it('date-times stored raw by earlier versions ("+02") are normalized by the migration; text fields keep theirs', async () => {
    await t.gql(UPSERT_ACCOUNTS, { records: [{ id: 'legacy-acct', name: 'Legacy', custom: { legacy_note: 'plain text' } }] });
    const raw = { renewal_at: '2026-03-01T12:00:00+02', legacy_note: '2026-03-01T12:00:00+02', odd_at: '0000-01-01T00:00:00+02' };
    await query(
      t,
      sql`update accounts set dims = dims || ${JSON.stringify(raw)}::jsonb where workspace_id = ${ws()} and id = 'legacy-acct'`,
    );
    await query(
      t,
      sql`insert into events (workspace_id, dedup_key, name, occurred_at, user_id, properties)
          values (${ws()}, 'legacy-props', 'Legacy', '2026-11-01T00:00:00Z', 'legacy-user', ${JSON.stringify({ due_at: '2026-03-01t12:00:00,5z' })}::jsonb)`,
    );
    await runHandWrittenMigration();
    const [account] = await query<{ dims: Record<string, unknown> }>(
      t,
      sql`select dims from accounts where workspace_id = ${ws()} and id = 'legacy-acct'`,
    );
    expect(account?.dims).toMatchObject({
      renewal_at: '2026-03-01T10:00:00.000Z',
      legacy_note: '2026-03-01T12:00:00+02',
      odd_at: '0000-01-01T00:00:00+02',
    });
    const [event] = await query<{ due: string }>(
      t,
      sql`select properties ->> 'due_at' as due from events where dedup_key = 'legacy-props'`,
    );
    expect(event?.due).toBe('2026-03-01T12:00:00.500Z');
    const later = await t.gql(`{ accounts(filter: [{ key: "renewal_at", gt: "2026-03-01T11:00:00Z" }]) { nodes { id } } }`);
    expect(later.data?.accounts.nodes.map((n: { id: string }) => n.id)).not.toContain('legacy-acct');
  });
});
