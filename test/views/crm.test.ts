import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, TRACK, UPSERT_ACCOUNTS, UPSERT_USERS } from '../insights/dataset.ts';
import { createTestApp, TEST_NOW, type TestApp } from '../support/harness.ts';
import { datasetAt } from './dataset.ts';
import { expectPreviewIsOperation, VIEW_UNDER_TEST, type ViewUnderTest } from './operation.ts';

// The workspace of ./dataset.ts as an ELT tool copies it from Salesforce and product analytics:
// every account column keeps the CRM's spelling (`Licenses__c`, `Next_Renewal__c`,
// `Contract_Value__c`, `Plan__c`, `Sales_Region__c`, `NumberOfEmployees`), events keep the
// names Amplitude, Mixpanel and Segment give them, and CRM engagement (`EmailOpened`,
// `MeetingBooked`) is mixed in. With no configuration, every view unlocks with the previews the
// hand-built workspace gives (test/views/views.test.ts), and CRM engagement is not activity.

const RENAMED_FIELDS: Record<string, string> = {
  seat_count: 'Licenses__c',
  renewal_date: 'Next_Renewal__c',
  plan_tier: 'Plan__c',
  sales_region: 'Sales_Region__c',
  arr_usd: 'Contract_Value__c',
};
const RENAMED_EVENTS: Record<string, string> = {
  'Signed In': '[Amplitude] Start Session',
  user_login: 'Logged In',
  'Page Viewed': '$mp_web_page_view',
  report_created: 'Report Created',
  'Exported Data': '[Amplitude] Data Exported',
};

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  const data = datasetAt(TEST_NOW.getTime());
  const accounts = data.accounts.map(({ id, name, employeeCount, custom }) => ({
    id,
    name,
    custom: {
      ...Object.fromEntries(Object.entries(custom).map(([key, value]) => [RENAMED_FIELDS[key] ?? key, value])),
      ...(employeeCount === undefined ? {} : { NumberOfEmployees: employeeCount }),
    },
  }));
  const events = [
    ...data.events.map((e) => ({ ...e, name: RENAMED_EVENTS[e.name] ?? e.name })),
    // Sales touching u2 and u4 in the window: if this were activity, acme and globex would rank differently.
    ...['u2', 'u2', 'u4', 'u4', 'u4'].map((userId, i) => ({
      name: i % 2 ? 'MeetingBooked' : 'EmailOpened',
      userId,
      timestamp: data.ago(1),
    })),
  ];
  await send(t, UPSERT_ACCOUNTS, accounts, t.adminKey);
  await send(t, UPSERT_USERS, data.users, t.adminKey);
  await send(t, TRACK, events, t.adminKey);
});
afterAll(async () => {
  await t?.close();
});

interface View {
  id: string;
  locked: boolean;
  reason: string | null;
  preview: { rows: Array<{ id: string | null; cells: unknown[] }> } | null;
}

async function views(): Promise<Map<string, View>> {
  const res = await t.gql<{ views: View[] }>('{ views { id locked reason preview { rows { id cells } } } }');
  expect(res.errors).toBeUndefined();
  return new Map((res.data?.views ?? []).map((v) => [v.id, v]));
}

const rowsOf = (v: View | undefined) => v?.preview?.rows.map((r) => [r.id, ...r.cells]);

describe('views on a workspace synced with Salesforce-style columns only', () => {
  it('unlocks every view with zero configuration, from the CRM spelling of each column', async () => {
    const all = await views();
    expect([...all.values()].filter((v) => v.locked).map((v) => v.id)).toEqual([]);
    expect(all.get('seat-utilization')?.reason).toMatch(/^`Licenses__c` holds seats; /);
    expect(all.get('falling-usage-before-renewal')?.reason).toMatch(/^`Next_Renewal__c` holds the renewal date; /);
    expect(all.get('revenue-by-segment')?.reason).toBe('`Contract_Value__c` holds revenue; `Sales_Region__c` holds the region.');
    expect(all.get('plan-mix')?.reason).toBe('`Plan__c` holds the plan.');
    expect(all.get('expansion-candidates')?.reason).toMatch(/; `NumberOfEmployees` holds company size\.$/);
    expect(all.get('weekly-active-users')?.reason).toBe(
      '`[Amplitude] Start Session` is sign-in activity (the most frequent of 2 sign-in events).',
    );
  });

  it('gives the previews of the hand-built workspace; CRM engagement is not activity', async () => {
    const all = await views();
    expect(rowsOf(all.get('most-active-accounts'))).toEqual([
      ['acme', 'Acme Corp', 3, 5],
      ['globex', 'Globex', 2, 2],
      ['hooli', 'Hooli', 2, 2],
      ['initech', 'Initech', 1, 2],
    ]);
    expect(rowsOf(all.get('seat-utilization'))).toEqual([
      ['hooli', 'Hooli', 2, 2, 1],
      ['acme', 'Acme Corp', 1, 3, 3],
      ['initech', 'Initech', 0.5, 1, 2],
      ['globex', 'Globex', 0.2, 2, 10],
    ]);
    expect(rowsOf(all.get('falling-usage-before-renewal'))).toEqual([['initech', 'Initech', 45, 2 / 3, 2]]);
    expect(rowsOf(all.get('expansion-candidates'))).toEqual([['acme', 'Acme Corp', 2.5, 5, 500]]);
    expect(rowsOf(all.get('revenue-by-segment'))).toEqual([
      [null, 'EMEA', 135000, 2],
      [null, 'NA', 80000, 2],
      [null, 'APAC', null, 1],
    ]);
    expect(rowsOf(all.get('top-features'))).toEqual([
      [null, 'Report Created', 2, 2],
      [null, '[Amplitude] Data Exported', 1, 1],
    ]);
  });

  it("previews exactly what each view's operation returns, run as-is", async () => {
    const res = await t.gql<{ views: ViewUnderTest[] }>(`{ views { ${VIEW_UNDER_TEST} } }`);
    expect(res.errors).toBeUndefined();
    for (const view of res.data?.views ?? []) await expectPreviewIsOperation(t, view);
  });

  it('reports the roles of the analytics and CRM event names', async () => {
    const res = await t.gql<{ metrics: Array<{ name: string; role: string | null }> }>('{ metrics(kind: COUNT) { name role } }');
    expect(res.errors).toBeUndefined();
    const roles = Object.fromEntries((res.data?.metrics ?? []).map((m) => [m.name, m.role]));
    expect(roles).toMatchObject({
      '[Amplitude] Start Session': 'SIGN_IN',
      $mp_web_page_view: 'PAGE_VIEW',
      EmailOpened: 'ENGAGEMENT',
      MeetingBooked: 'ENGAGEMENT',
    });
  });
});
