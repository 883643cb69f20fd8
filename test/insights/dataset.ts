import { expect } from 'vitest';
import type { TestApp } from '../support/harness.ts';
import { TEST_NOW } from '../support/harness.ts';

// A small hand-built workspace whose every answer is computed by hand in the tests. It is seeded
// through the public ingest mutations, in an order that exercises retroactive attribution: eve's
// events arrive before she is linked to Hooli.

const PAYLOAD = '{ received rejected results { index status errors { field code message } } }';
const UPSERT_ACCOUNTS = `mutation($r: [AccountInput]!) { upsertAccounts(input: { records: $r }) ${PAYLOAD} }`;
const UPSERT_USERS = `mutation($r: [UserInput]!) { upsertUsers(input: { records: $r }) ${PAYLOAD} }`;
const TRACK = `mutation($r: [EventInput]!) { trackEvents(input: { records: $r }) ${PAYLOAD} }`;

export const ACCOUNTS = [
  {
    id: 'acme',
    name: 'Acme Corp',
    plan: 'enterprise',
    region: 'EMEA',
    seats: 50,
    mrr: 5000,
    createdAt: '2025-01-15T00:00:00Z',
    custom: { lifecycle_stage: 'customer', health: 80, beta: true, renewal_at: '2026-06-01T00:00:00Z' },
  },
  {
    id: 'globex',
    name: 'Globex',
    plan: 'pro',
    region: 'NA',
    seats: 10,
    mrr: 900.5,
    createdAt: '2025-06-01T00:00:00Z',
    custom: { lifecycle_stage: 'trial', health: 40, beta: false, renewal_at: '2026-02-01T00:00:00Z' },
  },
  {
    id: 'initech',
    name: 'Initech',
    plan: 'pro',
    region: 'EMEA',
    seats: 25,
    createdAt: '2024-12-01T00:00:00Z',
    custom: { lifecycle_stage: 'customer' },
  },
  { id: 'umbrella', name: 'Umbrella Co', plan: 'free', region: 'APAC' },
  { id: 'hooli', name: 'Hooli', domain: 'hooli.com', plan: 'enterprise', region: 'NA', seats: 100, mrr: 12000, custom: { health: 95 } },
];

export const USERS = [
  { id: 'u1', email: 'ada@acme.com', name: 'Ada', accountId: 'acme', role: 'admin', title: 'CTO' },
  { id: 'u2', email: 'bob@acme.com', name: 'Bob', accountId: 'acme', role: 'member' },
  { id: 'u3', email: 'cy@globex.com', name: 'Cy', accountId: 'globex', role: 'admin' },
  { id: 'u4', email: 'dee@initech.com', name: 'Dee', accountId: 'initech', role: 'member' },
  // eve has no account yet: linked to hooli after her events arrived.
  { id: 'u5', email: 'eve@hooli.com', name: 'Eve', role: 'admin' },
  { id: 'u6', email: 'fay@nowhere.org', name: 'Fay' },
];

const ev = (name: string, userId: string, timestamp: string, extra: Record<string, unknown> = {}) => ({
  name,
  userId,
  timestamp,
  ...extra,
});

export const EVENTS = [
  ev('Signed In', 'u1', '2026-01-01T10:00:00Z'),
  ev('Signed In', 'u1', '2026-01-01T23:30:00Z'), // Berlin: already Jan 2
  ev('Signed In', 'u1', '2026-01-05T08:00:00Z'),
  ev('Signed In', 'u2', '2026-01-04T12:00:00Z'), // Sunday: last day of ISO week 1
  ev('Signed In', 'u3', '2026-01-05T09:00:00Z'), // Monday: first day of the next week
  ev('Signed In', 'u3', '2026-01-20T09:00:00Z'),
  ev('Signed In', 'u5', '2026-01-06T10:00:00Z'),
  ev('Signed In', 'u5', '2026-01-07T10:00:00Z'),
  ev('Signed In', 'u6', '2026-01-02T10:00:00Z'), // never has an account
  ev('Signed In', 'u4', '2026-01-02T10:00:00Z', { accountId: 'globex' }), // explicit account wins over the user's
  ev('Report Created', 'u1', '2026-01-03T09:00:00Z', { properties: { duration: 30 } }),
  ev('Report Created', 'u2', '2026-01-03T10:00:00Z', { properties: { duration: 10 } }),
  ev('Report Created', 'u3', '2026-01-10T10:00:00Z', { properties: { duration: 5 } }),
  ev('Invoice Paid', 'u1', '2026-01-02T12:00:00Z', { properties: { amount: 100, currency: 'USD' } }),
  ev('Invoice Paid', 'u1', '2026-01-15T12:00:00Z', { properties: { amount: 250, currency: 'USD' } }),
  ev('Invoice Paid', 'u3', '2026-01-15T13:00:00Z', { properties: { amount: 40, currency: 'EUR' } }),
  ev('Invoice Paid', 'u5', '2026-02-01T09:00:00Z', { properties: { amount: 1000, currency: 'USD' } }),
];

const DAY = 86_400_000;
/** Events relative to now, for `lastDays` windows. */
export function recentEvents(now = TEST_NOW.getTime()) {
  const ago = (days: number) => new Date(now - days * DAY - 60_000).toISOString();
  return [
    ev('Exported', 'u3', ago(1)),
    ev('Exported', 'u3', ago(2)),
    ev('Exported', 'u4', ago(10)),
    ev('Exported', 'u1', ago(40)), // outside a 30-day window
  ];
}

async function send(t: TestApp, query: string, records: unknown[], key?: string) {
  const res = await t.gql(query, { r: records }, key);
  expect(res.errors).toBeUndefined();
  const payload = Object.values(res.data ?? {})[0] as { rejected: number; results: unknown[] };
  expect(payload.rejected, JSON.stringify(payload.results)).toBe(0);
}

/** Seed the dataset through the ingest mutations. */
export async function seedDataset(t: TestApp, key?: string): Promise<void> {
  await send(t, UPSERT_ACCOUNTS, ACCOUNTS, key);
  await send(t, UPSERT_USERS, USERS, key);
  await send(t, TRACK, [...EVENTS, ...recentEvents()], key);
  // Retroactive attribution: eve's earlier events now count for hooli.
  await send(t, UPSERT_USERS, [{ id: 'u5', accountId: 'hooli' }], key);
}

export { send, TRACK, UPSERT_ACCOUNTS, UPSERT_USERS };
