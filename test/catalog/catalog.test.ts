import { beforeAll, describe, expect, it } from 'vitest';
import { seedDataset } from '../insights/dataset.ts';
import { suiteApp } from '../support/harness.ts';

const t = suiteApp();
beforeAll(() => seedDataset(t));

const DIMENSIONS = `query($object: ObjectKind!) { dimensions(object: $object) {
  key label type declaredType semantic isDefault coverage valueCount distinctCount
  topValues(limit: 3) { value count } numericStats { min max avg sum } firstSeenAt lastSeenAt
} }`;

const byKey = (list: Array<{ key: string }>): Record<string, any> => Object.fromEntries(list.map((d) => [d.key, d]));

describe('dimensions', () => {
  it('lists default fields (always, in order) then custom fields, with coverage and value statistics', async () => {
    const res = await t.gql(DIMENSIONS, { object: 'ACCOUNT' });
    expect(res.errors).toBeUndefined();
    const list = res.data?.dimensions as Array<any>;
    expect(list.map((d) => d.key)).toEqual([
      'id',
      'name',
      'domain',
      'industry',
      'employeeCount',
      'seats',
      'plan',
      'region',
      'country',
      'mrr',
      'arr',
      'createdAt',
      'ownerEmail',
      'beta',
      'health',
      'lifecycle_stage',
      'renewal_at',
    ]);
    const d = byKey(list);
    expect(d.region).toMatchObject({
      label: 'Region',
      type: 'STRING',
      semantic: 'REGION',
      isDefault: true,
      coverage: 1,
      valueCount: 5,
      distinctCount: 3,
      topValues: [
        { value: 'EMEA', count: 2 },
        { value: 'NA', count: 2 },
        { value: 'APAC', count: 1 },
      ],
      numericStats: null,
    });
    expect(d.seats).toMatchObject({
      type: 'NUMBER',
      coverage: 0.8,
      valueCount: 4,
      topValues: [],
      numericStats: { min: 10, max: 100, avg: 46.25, sum: 185 },
    });
    expect(d.mrr).toMatchObject({ coverage: 0.6, numericStats: { min: 900.5, max: 12000, sum: 17900.5 } });
    expect(d.industry).toMatchObject({ coverage: 0, valueCount: 0, distinctCount: 0, topValues: [], firstSeenAt: null });
    expect(d.lifecycle_stage).toMatchObject({
      label: 'Lifecycle Stage',
      type: 'STRING',
      semantic: 'LIFECYCLE_STAGE',
      isDefault: false,
      coverage: 0.6,
      distinctCount: 2,
      topValues: [
        { value: 'customer', count: 2 },
        { value: 'trial', count: 1 },
      ],
    });
    expect(d.beta).toMatchObject({
      type: 'BOOLEAN',
      coverage: 0.4,
      topValues: [
        { value: false, count: 1 },
        { value: true, count: 1 },
      ],
    });
    expect(d.renewal_at).toMatchObject({ type: 'DATETIME', coverage: 0.4 });
    expect(d.health).toMatchObject({ type: 'NUMBER', numericStats: { min: 40, max: 95, sum: 215 } });
    expect(d.lifecycle_stage.firstSeenAt).not.toBeNull();
  });

  it('covers users and event properties too', async () => {
    const users = byKey((await t.gql(DIMENSIONS, { object: 'USER' })).data?.dimensions);
    expect(users.accountId).toMatchObject({
      coverage: 5 / 6,
      distinctCount: 4,
      topValues: [
        { value: 'acme', count: 2 },
        { value: 'globex', count: 1 },
        { value: 'hooli', count: 1 },
      ],
    });
    expect(users.email).toMatchObject({ type: 'EMAIL', coverage: 1, distinctCount: 6 });
    const events = byKey((await t.gql(DIMENSIONS, { object: 'EVENT' })).data?.dimensions);
    // 21 events: 17 dated in January/February plus 4 recent exports.
    expect(events.name).toMatchObject({
      isDefault: true,
      coverage: 1,
      distinctCount: 4,
      topValues: [
        { value: 'Signed In', count: 10 },
        { value: 'Exported', count: 4 },
        { value: 'Invoice Paid', count: 4 },
      ],
    });
    expect(events.amount).toMatchObject({ type: 'NUMBER', coverage: 4 / 21, numericStats: { min: 40, max: 1000, sum: 1390, avg: 347.5 } });
    expect(events.currency).toMatchObject({
      type: 'STRING',
      topValues: [
        { value: 'USD', count: 3 },
        { value: 'EUR', count: 1 },
      ],
    });
    expect(events.accountId).toMatchObject({ valueCount: 1 });
  });

  it('refuses topValues limits outside 1–100', async () => {
    const res = await t.gql('{ dimensions(object: ACCOUNT) { key topValues(limit: 0) { count } } }');
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('dimensionBreakdown', () => {
  const BREAKDOWN = `query($object: ObjectKind!, $key: String!, $filter: [DimensionFilter!], $limit: Int, $buckets: Int) {
    dimensionBreakdown(object: $object, key: $key, filter: $filter, limit: $limit, buckets: $buckets) {
      dimension { key type } total missing other buckets { label value from to count }
    }
  }`;
  const breakdown = async (variables: Record<string, unknown>) => {
    const res = await t.gql(BREAKDOWN, { object: 'ACCOUNT', ...variables });
    expect(res.errors).toBeUndefined();
    return res.data?.dimensionBreakdown;
  };

  it('counts records per value: top N, the rest as other, missing apart', async () => {
    expect(await breakdown({ key: 'region', limit: 2 })).toEqual({
      dimension: { key: 'region', type: 'STRING' },
      total: 5,
      missing: 0,
      other: 1,
      buckets: [
        { label: 'EMEA', value: 'EMEA', from: null, to: null, count: 2 },
        { label: 'NA', value: 'NA', from: null, to: null, count: 2 },
      ],
    });
    const lifecycle = await breakdown({ key: 'lifecycle_stage' });
    expect(lifecycle).toMatchObject({ total: 5, missing: 2, other: 0 });
    expect(lifecycle.buckets.map((b: any) => [b.value, b.count])).toEqual([
      ['customer', 2],
      ['trial', 1],
    ]);
  });

  it('applies dimension filters first', async () => {
    const filtered = await breakdown({
      key: 'plan',
      filter: [
        { key: 'region', in: ['EMEA', 'NA'] },
        { key: 'seats', gte: 25 },
      ],
    });
    expect(filtered).toMatchObject({ total: 3, missing: 0, other: 0 });
    expect(filtered.buckets.map((b: any) => [b.value, b.count])).toEqual([
      ['enterprise', 2],
      ['pro', 1],
    ]);
  });

  it('makes equal-width histograms of numeric fields (last bucket closed)', async () => {
    expect(await breakdown({ key: 'seats', buckets: 3 })).toEqual({
      dimension: { key: 'seats', type: 'NUMBER' },
      total: 5,
      missing: 1,
      other: 0,
      buckets: [
        { label: '10 – 40', value: null, from: 10, to: 40, count: 2 },
        { label: '40 – 70', value: null, from: 40, to: 70, count: 1 },
        { label: '70 – 100', value: null, from: 70, to: 100, count: 1 },
      ],
    });
    const single = await breakdown({
      key: 'seats',
      filter: [
        { key: 'plan', eq: 'pro' },
        { key: 'region', eq: 'NA' },
      ],
    });
    expect(single).toMatchObject({ total: 1, missing: 0, buckets: [{ label: '10', from: 10, to: 10, count: 1 }] });
    const none = await breakdown({ key: 'employeeCount' });
    expect(none).toMatchObject({ total: 5, missing: 5, buckets: [] });
  });

  it('breaks events down by a property', async () => {
    const res = await breakdown({ object: 'EVENT', key: 'currency', filter: [{ key: 'name', eq: 'Invoice Paid' }] });
    expect(res).toMatchObject({ total: 4, missing: 0 });
    expect(res.buckets.map((b: any) => [b.value, b.count])).toEqual([
      ['USD', 3],
      ['EUR', 1],
    ]);
  });

  it('refuses unknown keys and out-of-range sizes with BAD_USER_INPUT', async () => {
    for (const variables of [{ key: 'nope' }, { key: 'region', limit: 0 }, { key: 'seats', buckets: 101 }]) {
      const res = await t.gql(BREAKDOWN, { object: 'ACCOUNT', ...variables });
      expect(res.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe('BAD_USER_INPUT');
    }
  });
});

describe('metrics', () => {
  it('lists count metrics per event name and value metrics per numeric property', async () => {
    const res = await t.gql(
      '{ metrics { kind name label total eventCount uniqueUsers uniqueAccounts firstSeenAt lastSeenAt eventNames } }',
    );
    expect(res.errors).toBeUndefined();
    const m = Object.fromEntries((res.data?.metrics as Array<any>).map((x) => [`${x.kind}:${x.name}`, x]));
    expect(Object.keys(m)).toEqual([
      'COUNT:Exported',
      'COUNT:Invoice Paid',
      'COUNT:Report Created',
      'COUNT:Signed In',
      'VALUE:amount',
      'VALUE:duration',
    ]);
    expect(m['COUNT:Signed In']).toEqual({
      kind: 'COUNT',
      name: 'Signed In',
      label: 'Signed In',
      total: 10,
      eventCount: 10,
      uniqueUsers: 6,
      uniqueAccounts: 3,
      firstSeenAt: '2026-01-01T10:00:00.000Z',
      lastSeenAt: '2026-01-20T09:00:00.000Z',
      eventNames: [],
    });
    expect(m['VALUE:amount']).toMatchObject({
      label: 'Amount',
      total: 1390,
      eventCount: 4,
      uniqueUsers: 3,
      uniqueAccounts: 3,
      lastSeenAt: '2026-02-01T09:00:00.000Z',
      eventNames: ['Invoice Paid'],
    });
    expect(m['VALUE:duration']).toMatchObject({ total: 45, uniqueAccounts: 2, eventNames: ['Report Created'] });
    const values = await t.gql('{ metrics(kind: VALUE) { name } }');
    expect(values.data?.metrics).toEqual([{ name: 'amount' }, { name: 'duration' }]);
  });
});
