import { sql } from 'drizzle-orm';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { typeDefs } from '../../src/graphql/schema.ts';
import { DESTINATION_METHODS } from '../../src/hightouch/destination.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';

// The isolation matrix: for EVERY query, mutation, REST route and JSON-RPC method, workspace B's
// key tries to read, change or delete workspace A's data — with A's IDs, A's cursors and filters
// on A's values. The lists are enumerated from the schema, the adapter's OpenAPI document and its
// method table, so a new field, route or method without a case fails this file. Every string
// A stores contains MARK: no response to B may contain it (nor A's workspace id or key prefixes),
// and A's rows are byte-for-byte the same at the end.

const MARK = 'alphasecret';
const TS = '2026-01-05T10:00:00Z';

let t: TestApp;
let A: { workspaceId: string; adminKey: string };
let B: { workspaceId: string; adminKey: string };
let aKeyIds: string[] = [];
let aKeyPrefixes: string[] = [];
let aCursors: Record<string, string> = {};
let snapshotBefore = '';
/** Every answer B received. */
const answers: string[] = [];

const TABLES = [
  'accounts',
  'users',
  'events',
  'metric_daily',
  'property_daily',
  'event_names',
  'catalog_fields',
  'meaning_overrides',
  'api_keys',
  'ingest_issues',
];

/** All of A's rows, as canonical JSON (key usage timestamps excluded: A keeps using its key). */
async function snapshot(workspaceId: string): Promise<string> {
  const parts: string[] = [];
  for (const table of TABLES) {
    const [row] = await rows<{ data: unknown }>(
      t.database.db,
      sql`select coalesce(jsonb_agg(x order by x::text), '[]'::jsonb) as data
          from (select to_jsonb(r) - 'last_used_at' - 'last_ingest_at' as x from ${sql.identifier(table)} r where workspace_id = ${workspaceId}) s`,
    );
    parts.push(`${table}:${JSON.stringify(row?.data)}`);
  }
  const [workspace] = await rows<{ data: unknown }>(
    t.database.db,
    sql`select to_jsonb(w) as data from workspaces w where id = ${workspaceId}`,
  );
  parts.push(`workspace:${JSON.stringify(workspace?.data)}`);
  return parts.join('\n');
}

async function asB<T = any>(query: string, variables: Record<string, unknown> = {}) {
  const res = await t.gql<T>(query, variables, B.adminKey);
  answers.push(JSON.stringify({ data: res.data, errors: res.errors }));
  expect(res.status).toBeLessThan(500);
  return res;
}

async function asA<T = any>(query: string, variables: Record<string, unknown> = {}) {
  const res = await t.gql<T>(query, variables, A.adminKey);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!;
}

async function restAsB(method: 'GET' | 'POST', url: string, payload?: unknown) {
  const response = await t.server.app.inject({
    method,
    url: `/hightouch/v1${url}`,
    headers: { authorization: `Bearer ${B.adminKey}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
  answers.push(response.body);
  expect(response.statusCode).toBeLessThan(500);
  return { status: response.statusCode, body: response.statusCode === 204 ? undefined : response.json() };
}

const rpcAsB = (method: string, params: unknown) => restAsB('POST', '/rpc', { jsonrpc: '2.0', id: 1, method, params });

const PAYLOAD = 'received created updated notFound duplicate deleted rejected results { index id status errors { code } }';
const statuses = (payload: { results: Array<{ status: string }> }) => payload.results.map((r) => r.status);
const ids = (connection: { nodes: Array<{ id: string }> }) => connection.nodes.map((n) => n.id);

beforeAll(async () => {
  t = await createTestApp({ RATE_LIMIT_INGEST_PER_SECOND: '0', RATE_LIMIT_READ_PER_SECOND: '0', RATE_LIMIT_ADMIN_PER_SECOND: '0' });
  A = await t.newWorkspace(`Alpha ${MARK}`);
  B = await t.newWorkspace('Beta');

  const accounts = Array.from({ length: 8 }, (_, i) => ({
    id: `acct-${i + 1}`,
    name: `${MARK} Co ${i + 1}`,
    plan: `${MARK}-gold`,
    region: `${MARK}-region`,
    seats: 7_777_777,
    custom: { [`${MARK}_tier`]: `${MARK}-t${i}`, health_score: 0.777_777 },
  }));
  // A refused record: A's rejection log gets a row naming it.
  accounts.push({ id: `${MARK}-refused`, seats: `${MARK}-lots` } as never);
  const users = Array.from({ length: 8 }, (_, i) => ({
    id: `user-${i + 1}`,
    email: `${MARK}${i}@alpha.example`,
    accountId: `acct-${i + 1}`,
    name: `${MARK} Person ${i}`,
    custom: { [`${MARK}_role`]: `${MARK}-admin` },
  }));
  const events = Array.from({ length: 6 }, (_, i) => ({
    name: `${MARK} Event`,
    timestamp: TS,
    userId: `user-${(i % 3) + 1}`,
    accountId: i % 2 ? `acct-${i + 1}` : undefined,
    eventId: `evt-${i + 1}`,
    properties: { [`${MARK}_amount`]: 4_242.5, note: `${MARK}-note` },
  }));
  const seeded = await asA(
    `mutation($a: [AccountInput]!, $u: [UserInput]!, $e: [EventInput]!) {
      upsertAccounts(input: { records: $a }) { created } upsertUsers(input: { records: $u }) { created } trackEvents(input: { records: $e }) { created }
      f: createCustomField(input: { object: EVENT, key: "declared_amount", type: NUMBER, label: "${MARK} declared" }) { userErrors { code } }
      k: createApiKey(input: { name: "${MARK} reporting", scopes: [READ] }) { apiKey { id } }
      h: connectHightouch(input: { name: "${MARK} hightouch" }) { apiKey { id } }
    }`,
    { a: accounts, u: users, e: events },
  );
  expect(seeded.upsertAccounts.created).toBe(8);
  expect(seeded.trackEvents.created).toBe(6);

  await t.gql(
    'mutation($a: [AccountInput]!, $u: [UserInput]!, $e: [EventInput]!) { upsertAccounts(input: { records: $a }) { created } upsertUsers(input: { records: $u }) { created } trackEvents(input: { records: $e }) { created } }',
    {
      a: [{ id: 'b-1', name: 'Beta Co', plan: 'beta-plan' }],
      u: [{ id: 'b-user', email: 'b@beta.example', accountId: 'b-1' }],
      e: [{ name: 'Beta Event', timestamp: TS, userId: 'b-user', eventId: 'b-evt' }],
    },
    B.adminKey,
  );

  const keys = await asA('{ apiKeys(includeRevoked: true) { id prefix } }');
  aKeyIds = keys.apiKeys.map((k: { id: string }) => k.id);
  aKeyPrefixes = keys.apiKeys.map((k: { prefix: string }) => k.prefix);
  const pages = await asA(`{
    accounts(first: 1) { pageInfo { endCursor } }
    byPlan: accounts(first: 1, orderBy: { dimension: "plan", direction: ASC }) { pageInfo { endCursor } }
    users(first: 1) { pageInfo { endCursor } }
    user(id: "user-1") { events(first: 1) { pageInfo { endCursor } } }
  }`);
  aCursors = {
    accounts: pages.accounts.pageInfo.endCursor,
    byPlan: pages.byPlan.pageInfo.endCursor,
    users: pages.users.pageInfo.endCursor,
    events: pages.user.events.pageInfo.endCursor,
  };
  snapshotBefore = await snapshot(A.workspaceId);
});
afterAll(async () => {
  await t?.close();
});

const A_FILTER = `[{ key: "plan", eq: "${MARK}-gold" }]`;

const QUERY_CASES: Record<string, () => Promise<void>> = {
  viewer: async () => {
    const res = await asB('{ viewer { workspace { id name } apiKey { id } scopes } }');
    expect(res.data?.viewer.workspace.id).toBe(B.workspaceId);
  },
  apiKeys: async () => {
    const res = await asB('{ apiKeys(includeRevoked: true) { id name prefix } }');
    for (const key of res.data?.apiKeys ?? []) expect(aKeyIds).not.toContain(key.id);
  },
  integrations: async () => {
    const res = await asB(
      '{ integrations { connected lastDataReceivedAt keys { id name } issues { field code samples { recordId message } } } }',
    );
    expect(res.data?.integrations[0].connected).toBe(false);
  },
  ingestIssues: async () => {
    const res = await asB('{ ingestIssues(first: 500) { object field code count samples { recordId message } } }');
    expect(res.errors).toBeUndefined();
    expect(JSON.stringify(res.data)).not.toContain(MARK);
  },
  dimensions: async () => {
    for (const object of ['ACCOUNT', 'USER', 'EVENT']) {
      const res = await asB(
        `{ dimensions(object: ${object}) { key valueCount distinctCount coverage topValues { value count } numericStats { max sum } } }`,
      );
      const dims = res.data?.dimensions as Array<{ key: string; valueCount: number; numericStats: { max: number } | null }>;
      expect(dims.map((d) => d.key)).not.toContain('declared_amount');
      if (object === 'ACCOUNT') {
        expect(dims.find((d) => d.key === 'plan')?.valueCount).toBe(1);
        expect(dims.find((d) => d.key === 'seats')?.numericStats?.max ?? null).toBeNull();
      }
    }
  },
  dimensionBreakdown: async () => {
    const res = await asB(`{
      plan: dimensionBreakdown(object: ACCOUNT, key: "plan") { total missing other buckets { label value count } }
      filtered: dimensionBreakdown(object: ACCOUNT, key: "region", filter: ${A_FILTER}) { total buckets { value count } }
      seats: dimensionBreakdown(object: ACCOUNT, key: "seats", buckets: 5) { total buckets { from to count } }
    }`);
    expect(res.data?.plan).toMatchObject({ total: 1, buckets: [{ value: 'beta-plan', count: 1 }] });
    expect(res.data?.filtered.total).toBe(0);
    expect(res.data?.seats.total).toBe(1);
    const guessed = await asB(`{ dimensionBreakdown(object: ACCOUNT, key: "${MARK.slice(0, 5)}_tier") { total buckets { count } } }`);
    expect(guessed.data?.dimensionBreakdown?.buckets ?? []).toEqual([]);
  },
  views: async () => {
    const res = await asB(
      '{ views { id locked reason unlock inputs { providedBy hint } operation { query variables } preview { rows { id cells } totalCount } } }',
    );
    const views = res.data?.views as Array<{ id: string; inputs: Array<{ providedBy: string[] }> }>;
    expect(views.length).toBeGreaterThanOrEqual(8);
    // B's own plan field unlocks its plan mix; nothing of A's fields or events provides anything.
    expect(views.find((v) => v.id === 'plan-mix')?.inputs[0]?.providedBy).toEqual(['plan']);
  },
  metrics: async () => {
    const res = await asB('{ metrics { kind name total eventCount uniqueUsers uniqueAccounts eventNames role roleOverridden } }');
    expect(res.data?.metrics.map((m: { name: string }) => m.name)).toEqual(['Beta Event']);
  },
  metricSeries: async () => {
    const window = 'from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z", interval: MONTH';
    const res = await asB(`{
      own: metricSeries(input: { metric: { event: "${MARK} Event" }, ${window} }) { total points { value } }
      byAccount: metricSeries(input: { metric: { event: "Beta Event" }, ${window}, scope: { accountId: "acct-2" } }) { total }
      byUser: metricSeries(input: { metric: { event: "Beta Event" }, ${window}, scope: { userId: "user-1" } }) { total }
      byFilter: metricSeries(input: { metric: { event: "Beta Event" }, ${window}, scope: { accountFilter: ${A_FILTER} } }) { total }
      value: metricSeries(input: { metric: { property: "note" }, ${window}, aggregate: SUM }) { total }
    }`);
    for (const series of Object.values(res.data ?? {}) as Array<{ total: number | null }>) expect(series.total ?? 0).toBe(0);
  },
  eventReach: async () => {
    // A's event, asked by its name from B, over ten years: no account, no user of A is counted.
    const res = await asB(`{ eventReach(events: ["${MARK} Event", "Beta Event"], window: { lastDays: 3660 }) { accounts users } }`);
    expect(res.data?.eventReach).toEqual([
      { accounts: 1, users: 1 },
      { accounts: 0, users: 0 },
    ]);
  },
  accounts: async () => {
    const all = await asB('{ accounts(first: 500) { totalCount nodes { id } } }');
    expect(ids(all.data?.accounts)).toEqual(['b-1']);
    const filtered = await asB(`{ accounts(filter: ${A_FILTER}) { totalCount nodes { id } } }`);
    expect(filtered.data?.accounts.totalCount).toBe(0);
    for (const cursor of [aCursors.accounts, aCursors.byPlan, aCursors.users, aCursors.events]) {
      const page = await asB('query($after: String) { accounts(first: 500, after: $after) { nodes { id } } }', { after: cursor });
      for (const id of page.data ? ids(page.data.accounts) : []) expect(id).toBe('b-1');
    }
    const samePlanOrder = await asB(
      'query($after: String) { accounts(first: 500, after: $after, orderBy: { dimension: "plan", direction: ASC }) { nodes { id } } }',
      {
        after: aCursors.byPlan,
      },
    );
    expect(samePlanOrder.errors).toBeUndefined();
    for (const id of ids(samePlanOrder.data?.accounts)) expect(id).toBe('b-1');
    const ordered = await asB(
      `{ accounts(orderBy: { metric: { metric: { event: "${MARK} Event" }, window: { lastDays: 3660 } } }) { edges { orderValue node { id } } } }`,
    );
    for (const edge of ordered.data?.accounts.edges ?? []) expect(edge.orderValue ?? 0).toBe(0);
  },
  users: async () => {
    const all = await asB('{ users(first: 500) { totalCount nodes { id account { id } events { totalCount } } } }');
    expect(ids(all.data?.users)).toEqual(['b-user']);
    const filtered = await asB(`{ users(filter: [{ key: "email", contains: "${MARK.slice(0, 5)}" }]) { totalCount } }`);
    expect(filtered.data?.users.totalCount).toBe(0);
    for (const cursor of Object.values(aCursors)) {
      const page = await asB('query($after: String) { users(first: 500, after: $after) { nodes { id } } }', { after: cursor });
      for (const id of page.data ? ids(page.data.users) : []) expect(id).toBe('b-user');
    }
    const events = await asB('query($after: String) { user(id: "b-user") { events(after: $after) { nodes { id name } } } }', {
      after: aCursors.events,
    });
    for (const event of events.data?.user?.events.nodes ?? []) expect(event.name).toBe('Beta Event');
  },
  account: async () => {
    for (const id of ['acct-1', 'acct-8']) {
      const res = await asB(
        'query($id: ID!) { account(id: $id) { id name users { totalCount } metric(metric: { event: "Beta Event" }) } }',
        { id },
      );
      expect(res.data?.account).toBeNull();
    }
  },
  user: async () => {
    const res = await asB('{ user(id: "user-1") { id email events { totalCount } } }');
    expect(res.data?.user).toBeNull();
  },
};

const MUTATION_CASES: Record<string, () => Promise<void>> = {
  createApiKey: async () => {
    const res = await asB('mutation { createApiKey(input: { name: "beta key", scopes: [READ] }) { apiKey { id } userErrors { code } } }');
    expect(aKeyIds).not.toContain(res.data?.createApiKey.apiKey.id);
  },
  rotateApiKey: async () => {
    for (const id of aKeyIds) {
      const res = await asB('mutation($id: ID!) { rotateApiKey(input: { id: $id }) { secret apiKey { id } userErrors { code } } }', { id });
      expect(res.data?.rotateApiKey).toEqual({ secret: null, apiKey: null, userErrors: [{ code: 'NOT_FOUND' }] });
    }
  },
  revokeApiKey: async () => {
    for (const id of aKeyIds) {
      const res = await asB('mutation($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { id } userErrors { code } } }', { id });
      expect(res.data?.revokeApiKey.userErrors).toEqual([{ code: 'NOT_FOUND' }]);
    }
    expect((await t.gql('{ viewer { scopes } }', {}, A.adminKey)).status).toBe(200);
  },
  connectHightouch: async () => {
    const res = await asB('mutation { connectHightouch { apiKey { id } userErrors { code } } }');
    expect(aKeyIds).not.toContain(res.data?.connectHightouch.apiKey.id);
  },
  upsertAccounts: async () => {
    const created = await asB(
      `mutation { upsertAccounts(input: { records: [{ id: "acct-1", name: "Beta's own acct-1" }] }) { ${PAYLOAD} } }`,
    );
    expect(statuses(created.data?.upsertAccounts)).toEqual(['CREATED']);
    const update = await asB(
      `mutation { upsertAccounts(input: { records: [{ id: "acct-2", name: "hijack" }], mode: UPDATE_ONLY }) { ${PAYLOAD} } }`,
    );
    expect(statuses(update.data?.upsertAccounts)).toEqual(['NOT_FOUND']);
  },
  upsertUsers: async () => {
    const created = await asB(
      `mutation { upsertUsers(input: { records: [{ id: "user-4", email: "b4@beta.example", accountId: "acct-3" }] }) { ${PAYLOAD} } }`,
    );
    expect(statuses(created.data?.upsertUsers)).toEqual(['CREATED']);
    const linked = await asB('{ user(id: "user-4") { accountId account { id } } }');
    expect(linked.data?.user).toEqual({ accountId: 'acct-3', account: null });
    const update = await asB(
      `mutation { upsertUsers(input: { records: [{ id: "user-5", email: "x@beta.example" }], mode: UPDATE_ONLY }) { ${PAYLOAD} } }`,
    );
    expect(statuses(update.data?.upsertUsers)).toEqual(['NOT_FOUND']);
  },
  trackEvents: async () => {
    const res = await asB(
      `mutation { trackEvents(input: { records: [{ eventId: "evt-1", name: "Beta Event", userId: "user-1", timestamp: "${TS}" }] }) { ${PAYLOAD} } }`,
    );
    expect(statuses(res.data?.trackEvents)).toEqual(['CREATED']);
  },
  deleteAccounts: async () => {
    const res = await asB(`mutation { deleteAccounts(input: { ids: ["acct-5", "acct-6"], purgeEvents: true }) { ${PAYLOAD} } }`);
    expect(statuses(res.data?.deleteAccounts)).toEqual(['NOT_FOUND', 'NOT_FOUND']);
  },
  deleteUsers: async () => {
    const res = await asB(`mutation { deleteUsers(input: { ids: ["user-2", "user-3"], purgeEvents: true }) { ${PAYLOAD} } }`);
    expect(statuses(res.data?.deleteUsers)).toEqual(['NOT_FOUND', 'NOT_FOUND']);
  },
  setDimensionSemantic: async () => {
    const res = await asB(
      `mutation { setDimensionSemantic(input: { object: ACCOUNT, key: "${MARK}_tier", semantic: PLAN }) { dimension { key } userErrors { code field } } }`,
    );
    expect(res.data?.setDimensionSemantic).toEqual({ dimension: null, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'key'] }] });
    const own = await asB(
      'mutation { setDimensionSemantic(input: { object: ACCOUNT, key: "plan", semantic: REGION }) { dimension { key semantic } } }',
    );
    expect(own.data?.setDimensionSemantic.dimension).toEqual({ key: 'plan', semantic: 'REGION' });
    const a = await asA('{ dimensions(object: ACCOUNT) { key semantic semanticOverridden } }');
    expect(a.dimensions.find((d: { key: string }) => d.key === 'plan')).toEqual({
      key: 'plan',
      semantic: 'PLAN',
      semanticOverridden: false,
    });
    await asB('mutation { setDimensionSemantic(input: { object: ACCOUNT, key: "plan", reset: true }) { userErrors { code } } }');
  },
  setMetricRole: async () => {
    const res = await asB(
      `mutation { setMetricRole(input: { metric: { kind: COUNT, name: "${MARK} Event" }, role: SIGN_IN }) { metric { name } userErrors { code } } }`,
    );
    expect(res.data?.setMetricRole).toEqual({ metric: null, userErrors: [{ code: 'NOT_FOUND' }] });
    const a = await asA('{ metrics(kind: COUNT) { name role roleOverridden } }');
    expect(a.metrics).toEqual([{ name: `${MARK} Event`, role: null, roleOverridden: false }]);
  },
  createCustomField: async () => {
    const res = await asB(
      'mutation { createCustomField(input: { object: EVENT, key: "declared_amount", type: STRING }) { field { key declaredType } userErrors { code } } }',
    );
    expect(res.data?.createCustomField).toEqual({ field: { key: 'declared_amount', declaredType: 'STRING' }, userErrors: [] });
  },
};

const REST_CASES: Record<string, () => Promise<void>> = {
  'GET /validate': async () => {
    const res = await restAsB('GET', '/validate');
    expect(res.body.workspace.id).toBe(B.workspaceId);
  },
  'GET /objects': async () => {
    expect((await restAsB('GET', '/objects')).status).toBe(200);
  },
  'GET /objects/{object}/fields': async () => {
    for (const object of ['account', 'user', 'event']) {
      const res = await restAsB('GET', `/objects/${object}/fields`);
      expect(res.status).toBe(200);
    }
  },
  'POST /objects/{object}/fields': async () => {
    const res = await restAsB('POST', '/objects/account/fields', { id: 'health_score', type: 'STRING' });
    expect(res.status).toBe(201);
  },
  'POST /objects/{object}/{mode}': async () => {
    const upsert = await restAsB('POST', '/objects/account/upsert', { records: [{ account_id: 'acct-7', company_name: 'Beta 7' }] });
    expect(upsert.body.results.map((r: { status: string }) => r.status)).toEqual(['created']);
    const update = await restAsB('POST', '/objects/account/update', { records: [{ account_id: 'acct-8', company_name: 'hijack' }] });
    expect(update.body.results.map((r: { status: string }) => r.status)).toEqual(['not_found']);
    const remove = await restAsB('POST', '/objects/user/delete', { records: [{ user_id: 'user-6' }] });
    expect(remove.body.results.map((r: { status: string }) => r.status)).toEqual(['not_found']);
    const insert = await restAsB('POST', '/objects/event/insert', {
      records: [{ event_id: 'evt-2', event_name: 'Beta Event', user_id: 'user-2', timestamp: TS }],
    });
    expect(insert.body.results.map((r: { status: string }) => r.status)).toEqual(['created']);
  },
  'GET /openapi.json': async () => {
    expect((await restAsB('GET', '/openapi.json')).status).toBe(200);
  },
  'POST /rpc': async () => {
    // Each method has its own case below; this one checks a batch mixing them.
    const res = await restAsB('POST', '/rpc', [
      { jsonrpc: '2.0', id: 1, method: 'list_fields', params: { object: 'account' } },
      { jsonrpc: '2.0', id: 2, method: 'list_objects' },
    ]);
    expect(res.body).toHaveLength(2);
  },
};

const accountSync = {
  object: 'account',
  mode: 'upsert',
  identifierMapping: { from: 'ID', to: 'account_id' },
  mappings: [{ from: 'NAME', to: 'company_name' }],
};
const updateSync = { ...accountSync, mode: 'update' };

const RPC_CASES: Record<string, () => Promise<void>> = {
  list_objects: async () => {
    expect((await rpcAsB('list_objects', {})).body.result).toBeDefined();
  },
  list_modes: async () => {
    expect((await rpcAsB('list_modes', { object: 'account' })).body.result).toBeDefined();
  },
  list_fields: async () => {
    for (const object of ['account', 'user', 'event']) {
      expect((await rpcAsB('list_fields', { object })).body.result.fields.length).toBeGreaterThan(0);
    }
  },
  list_options: async () => {
    expect((await rpcAsB('list_options', {})).body.result).toBeDefined();
  },
  validate: async () => {
    expect((await rpcAsB('validate', { configuration: accountSync })).body.result.errors).toEqual([]);
  },
  behavior: async () => {
    expect((await rpcAsB('behavior', { configuration: accountSync })).body.result).toBeDefined();
  },
  add: async () => {
    const res = await rpcAsB('add', { configuration: accountSync, rows: [{ ID: 'acct-4', NAME: 'Beta 4' }], idColumn: 'ID' });
    expect(res.body.result.rejectedRows).toEqual([]);
  },
  change: async () => {
    const res = await rpcAsB('change', { configuration: updateSync, rows: [{ ID: 'acct-6', NAME: 'hijack' }], idColumn: 'ID' });
    expect(res.body.result.rejectedRows).toHaveLength(1);
  },
  remove: async () => {
    const res = await rpcAsB('remove', { configuration: accountSync, rows: [{ ID: 'acct-5' }], idColumn: 'ID' });
    expect(res.body.result).toBeDefined();
  },
};

const schema = buildSchema(typeDefs);
const fieldsOf = (type: GraphQLObjectType | null | undefined) => Object.keys(type?.getFields() ?? {}).sort();

describe('tenant isolation matrix (workspace B against workspace A)', () => {
  it('has a case for every query, mutation, REST route and JSON-RPC method', async () => {
    expect(Object.keys(QUERY_CASES).sort()).toEqual(fieldsOf(schema.getQueryType()));
    expect(Object.keys(MUTATION_CASES).sort()).toEqual(fieldsOf(schema.getMutationType()));
    const openapi = (await t.server.app.inject({ method: 'GET', url: '/hightouch/v1/openapi.json' })).json();
    const documented = Object.entries(openapi.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(Object.keys(REST_CASES).sort()).toEqual([...documented, 'GET /openapi.json', 'POST /rpc'].sort());
    expect(Object.keys(RPC_CASES).sort()).toEqual([...DESTINATION_METHODS].sort());
  });

  for (const [name, run] of Object.entries(QUERY_CASES)) it(`Query.${name}`, run);
  for (const [name, run] of Object.entries(MUTATION_CASES)) it(`Mutation.${name}`, run);
  for (const [name, run] of Object.entries(REST_CASES)) it(`REST ${name}`, run);
  for (const [name, run] of Object.entries(RPC_CASES)) it(`JSON-RPC ${name}`, run);

  it("leaves every row of A exactly as it was, and never showed B anything of A's", async () => {
    expect(await snapshot(A.workspaceId)).toBe(snapshotBefore);
    const a = await asA('{ accounts { totalCount } users { totalCount } metrics { name total } viewer { workspace { id } } }');
    expect(a.accounts.totalCount).toBe(8);
    expect(a.users.totalCount).toBe(8);
    expect(a.metrics.find((m: { name: string }) => m.name === `${MARK} Event`)?.total).toBe(6);

    expect(answers.length).toBeGreaterThan(40);
    const forbidden = [MARK, A.workspaceId, ...aKeyPrefixes, '7777777', '4242.5', '0.777777'];
    for (const answer of answers) {
      for (const secret of forbidden) expect(answer, answer.slice(0, 300)).not.toContain(secret);
    }
  });
});
