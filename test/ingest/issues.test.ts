import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hightouch } from '../hightouch/client.ts';
import { createTestApp, suiteApp, type TestApp } from '../support/harness.ts';
import { query, sql } from '../support/sql.ts';

// The rejection log: every record refused by ingestion is kept, counted per object, field and
// code, whatever path it came through (Hightouch REST, Hightouch JSON-RPC, GraphQL), written in
// the same call with a constant number of statements, bounded per workspace, tenant-isolated.

const ISSUES = `query($object: ObjectKind, $field: String, $code: String, $first: Int) {
  ingestIssues(object: $object, field: $field, code: $code, first: $first) {
    object field code count firstSeenAt lastSeenAt samples { recordId message seenAt }
  }
}`;

interface Issue {
  object: string;
  field: string | null;
  code: string;
  count: number;
  firstSeenAt: string;
  lastSeenAt: string;
  samples: Array<{ recordId: string | null; message: string; seenAt: string }>;
}

const issues = async (t: TestApp, variables: Record<string, unknown> = {}, key?: string): Promise<Issue[]> => {
  const res = await t.gql<{ ingestIssues: Issue[] }>(ISSUES, variables, key);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!.ingestIssues;
};
const byKey = (list: Issue[]) => Object.fromEntries(list.map((i) => [`${i.object} ${i.field ?? '-'} ${i.code}`, i]));

describe('the rejection log', () => {
  let t: TestApp;
  let ht: ReturnType<typeof hightouch>;
  beforeAll(async () => {
    t = await createTestApp();
    ht = hightouch(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('counts what REST, JSON-RPC and GraphQL refused, with first/last seen and sample IDs and messages', async () => {
    // REST: two accounts with a bad seat count, one also without its name; one good account.
    const rest = await ht.post('/objects/account/upsert', {
      records: [
        { account_id: 'good', company_name: 'Good Co', seats: 3 },
        { account_id: 'bad-1', company_name: 'Bad Co', seats: 'many' },
        { account_id: 'bad-2', seats: 'lots' },
      ],
    });
    expect(rest.body.summary.rejected).toBe(2);
    // JSON-RPC: a user with an invalid e-mail.
    const rpc = await ht.rpc('add', {
      idColumn: 'ID',
      configuration: { identifierMapping: { from: 'ID', to: 'user_id' }, mappings: [{ from: 'MAIL', to: 'email' }] },
      rows: [
        { ID: 'u-ok', MAIL: 'ok@x.io' },
        { ID: 'u-bad', MAIL: 'not-an-email' },
      ],
    });
    expect(rpc.body.result.rejectedRows).toHaveLength(1);
    // GraphQL: an event with an unreadable timestamp, and update-only upserts of an unknown ID.
    const gql = await t.gql(
      `mutation {
        trackEvents(input: { records: [{ name: "Signed In", timestamp: "yesterday", userId: "u-ok" }, { name: "Signed In", timestamp: 1769936400, userId: "u-ok" }] }) { rejected }
        upsertAccounts(input: { records: [{ id: "ghost", seats: 1 }], mode: UPDATE_ONLY }) { notFound }
      }`,
    );
    expect(gql.data).toEqual({ trackEvents: { rejected: 1 }, upsertAccounts: { notFound: 1 } });

    const log = byKey(await issues(t));
    expect(Object.keys(log).sort()).toEqual([
      'ACCOUNT id NOT_FOUND',
      'ACCOUNT name REQUIRED',
      'ACCOUNT seats TYPE_MISMATCH',
      'EVENT timestamp INVALID_TIMESTAMP',
      'USER email INVALID_EMAIL',
    ]);
    const seats = log['ACCOUNT seats TYPE_MISMATCH']!;
    expect(seats.count).toBe(2);
    expect(seats.samples.map((s) => s.recordId)).toEqual(['bad-1', 'bad-2']);
    expect(seats.samples[0]!.message).toBe('Expected a number, got the text "many".');
    expect(seats.firstSeenAt).toBe(seats.lastSeenAt);
    expect(log['ACCOUNT name REQUIRED']).toMatchObject({ count: 1, samples: [{ recordId: 'bad-2' }] });
    expect(log['USER email INVALID_EMAIL']).toMatchObject({ count: 1, samples: [{ recordId: 'u-bad' }] });
    expect(log['EVENT timestamp INVALID_TIMESTAMP']).toMatchObject({
      count: 1,
      samples: [{ message: expect.stringContaining('yesterday') }],
    });
    expect(log['ACCOUNT id NOT_FOUND']).toMatchObject({ count: 1, samples: [{ recordId: 'ghost' }] });

    // Filters.
    expect((await issues(t, { object: 'ACCOUNT' })).map((i) => i.code).sort()).toEqual(['NOT_FOUND', 'REQUIRED', 'TYPE_MISMATCH']);
    expect((await issues(t, { field: 'email' })).map((i) => i.code)).toEqual(['INVALID_EMAIL']);
    expect((await issues(t, { code: 'TYPE_MISMATCH' })).map((i) => i.field)).toEqual(['seats']);
    // The Hightouch card shows the same log, most recent first.
    const card = await t.gql('{ integrations { kind issues(first: 10) { object field code count } } }');
    expect(card.data?.integrations[0].issues).toHaveLength(5);
  });

  it('adds up across calls: counts grow, first seen stays, a few samples (newest first) are kept', async () => {
    const [before] = await issues(t, { code: 'TYPE_MISMATCH' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const many = Array.from({ length: 12 }, (_, i) => ({ account_id: `again-${i}`, company_name: 'Again', seats: 'x' }));
    await ht.post('/objects/account/upsert', { records: many });
    const [after] = await issues(t, { code: 'TYPE_MISMATCH' });
    expect(after!.count).toBe(before!.count + 12);
    expect(after!.firstSeenAt).toBe(before!.firstSeenAt);
    expect(Date.parse(after!.lastSeenAt)).toBeGreaterThan(Date.parse(before!.lastSeenAt));
    expect(after!.samples.map((s) => s.recordId)).toEqual(['again-0', 'again-1', 'again-2', 'again-3', 'again-4']);
  });

  it('writes the log with a constant number of statements per call, whatever the number of refused records', async () => {
    const statements = async (n: number, prefix: string) => {
      const records = Array.from({ length: n }, (_, i) => ({
        account_id: `${prefix}-${i}`,
        company_name: 'S',
        seats: i % 2 ? 'bad' : 1,
        [`$k${i}`]: 1,
      }));
      const before = t.database.stats.statements;
      const res = await ht.post('/objects/account/upsert', { records });
      expect(res.body.summary.rejected).toBe(n);
      return t.database.stats.statements - before;
    };
    await statements(2, 'warm');
    expect(await statements(200, 'large')).toBe(await statements(10, 'small'));
  });
});

describe('bounds and tenants', () => {
  const t = suiteApp({ MAX_INGEST_ISSUES: '3' });

  const refuse = (t: TestApp, keys: string[], key?: string) =>
    t.gql(
      'mutation($r: [AccountInput]!) { upsertAccounts(input: { records: $r }) { rejected } }',
      { r: keys.map((k, i) => ({ id: `r-${i}`, name: 'R', custom: { [k]: 1 } })) },
      key,
    );

  it('keeps at most MAX_INGEST_ISSUES groups per workspace, dropping the least recently seen', async () => {
    await refuse(t, ['$one', '$two']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await refuse(t, ['$three', '$four', '$five']);
    const kept = await issues(t, { first: 500 });
    expect(kept.map((i) => i.field).sort()).toEqual(['custom.$five', 'custom.$four', 'custom.$three']);
    const [stored] = await query<{ n: number }>(t, sql`select count(*)::int as n from ingest_issues`);
    expect(stored!.n).toBe(3);
    // A very long bad key is stored cut short.
    await refuse(t, [`$${'x'.repeat(1000)}`]);
    const [long] = await issues(t, { code: 'INVALID_FIELD_KEY', first: 1 });
    expect(long!.field!.length).toBeLessThanOrEqual(200);
  });

  it('keeps workspaces apart: each sees its own refusals only, and B filling its log drops nothing of A', async () => {
    const b = await t.newWorkspace('B');
    const aBefore = await issues(t, { first: 500 });
    await refuse(t, ['$b1', '$b2', '$b3', '$b4'], b.adminKey);
    const bLog = await issues(t, { first: 500 }, b.adminKey);
    // Four new groups in one call (the same instant): three are kept.
    expect(bLog).toHaveLength(3);
    for (const issue of bLog) expect(['custom.$b1', 'custom.$b2', 'custom.$b3', 'custom.$b4']).toContain(issue.field);
    expect(await issues(t, { first: 500 })).toEqual(aBefore);
    const [perWorkspace] = await query<{ n: number }>(
      t,
      sql`select count(*)::int as n from ingest_issues where workspace_id = ${b.workspaceId}`,
    );
    expect(perWorkspace!.n).toBe(3);
  });

  it('needs READ', async () => {
    const ingestOnly = await t.keyWithScopes(['INGEST']);
    const res = await t.gql('{ ingestIssues { code } }', {}, ingestOnly);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
