import { send, TRACK, UPSERT_ACCOUNTS, UPSERT_USERS } from '../insights/dataset.ts';
import type { TestApp } from '../support/harness.ts';
import { TEST_NOW } from '../support/harness.ts';

// A small workspace with warehouse naming in several styles (custom `seat_count`, `renewal_date`,
// `plan_tier`, `sales_region`, `arr_usd`; events "Signed In", `user_login`, "Page Viewed",
// `report_created`, "Exported Data", `invite_sent`, "Heartbeat"), timed relative to now so the
// 30-day windows of the views hold known events. Every preview of test/views/views.test.ts is
// computed by hand from this file.

const DAY = 86_400_000;

export function datasetAt(now: number) {
  /** Noon UTC `n` days ago: well inside that UTC day whatever the time of the run. */
  const ago = (n: number) => {
    const d = new Date(now - n * DAY);
    d.setUTCHours(12, 0, 0, 0);
    return d.toISOString();
  };
  const inDays = (n: number) => {
    const d = new Date(now + n * DAY);
    d.setUTCHours(0, 0, 0, 0);
    return d.toISOString();
  };
  const accounts = [
    {
      id: 'acme',
      name: 'Acme Corp',
      employeeCount: 500,
      custom: { seat_count: 3, renewal_date: inDays(20), plan_tier: 'enterprise', sales_region: 'EMEA', arr_usd: 120000 },
    },
    {
      id: 'globex',
      name: 'Globex',
      employeeCount: 50,
      custom: { seat_count: 10, renewal_date: inDays(200), plan_tier: 'pro', sales_region: 'NA', arr_usd: 30000 },
    },
    {
      id: 'initech',
      name: 'Initech',
      custom: { seat_count: 2, renewal_date: inDays(45), plan_tier: 'pro', sales_region: 'EMEA', arr_usd: 15000 },
    },
    {
      id: 'hooli',
      name: 'Hooli',
      employeeCount: 20,
      custom: { seat_count: 1, plan_tier: 'enterprise', sales_region: 'NA', arr_usd: 50000 },
    },
    { id: 'umbrella', name: 'Umbrella Co', custom: { plan_tier: 'free', sales_region: 'APAC' } },
  ];
  const user = (id: string, accountId: string | undefined, createdDaysAgo: number) => ({
    id,
    email: `${id}@example.com`,
    ...(accountId ? { accountId } : {}),
    createdAt: ago(createdDaysAgo),
  });
  const users = [
    user('u1', 'acme', 5),
    user('u2', 'acme', 100),
    user('u3', 'acme', 10),
    user('u4', 'globex', 40),
    user('u5', 'globex', 2),
    user('u6', 'initech', 300),
    user('u7', undefined, 3),
    user('u8', 'hooli', 200),
    user('u9', 'hooli', 200),
  ];
  const ev = (name: string, userId: string, daysAgo: number) => ({ name, userId, timestamp: ago(daysAgo) });
  const events = [
    // acme: this window u1 ×3 (2 sign-ins, 1 report), u2, u3; previous window u1 ×2.
    ev('Signed In', 'u1', 1),
    ev('Signed In', 'u1', 3),
    ev('report_created', 'u1', 1),
    ev('user_login', 'u2', 5),
    ev('Page Viewed', 'u3', 2),
    ev('Signed In', 'u1', 35),
    ev('Signed In', 'u1', 40),
    ev('invite_sent', 'u1', 2),
    // globex: this window u4, u5; previous window u4 ×4.
    ev('Signed In', 'u4', 10),
    ev('Exported Data', 'u5', 1),
    ev('Signed In', 'u4', 31),
    ev('Signed In', 'u4', 32),
    ev('Signed In', 'u4', 33),
    ev('Signed In', 'u4', 50),
    ev('Heartbeat', 'u4', 1),
    // initech: this window u6 ×2; previous window u6 ×3.
    ev('Signed In', 'u6', 2),
    ev('report_created', 'u6', 4),
    ev('Signed In', 'u6', 35),
    ev('Signed In', 'u6', 36),
    ev('Signed In', 'u6', 37),
    // hooli: this window only.
    ev('Signed In', 'u8', 1),
    ev('Page Viewed', 'u9', 2),
    // no account
    ev('Signed In', 'u7', 1),
  ];
  return { accounts, users, events, ago, inDays };
}

export async function seedViewsDataset(t: TestApp, key: string, now = TEST_NOW.getTime()) {
  const data = datasetAt(now);
  await send(t, UPSERT_ACCOUNTS, data.accounts, key);
  await send(t, UPSERT_USERS, data.users, key);
  await send(t, TRACK, data.events, key);
  return data;
}
