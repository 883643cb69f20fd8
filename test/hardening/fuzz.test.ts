import { gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { buildSchema, type GraphQLEnumType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FIELDS } from '../../src/catalog/fields.ts';
import { rows } from '../../src/db/client.ts';
import { typeDefs } from '../../src/graphql/schema.ts';
import { DESTINATION_METHODS } from '../../src/hightouch/destination.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';
import {
  anyJson,
  anyText,
  cursor,
  deep,
  edgeStrings,
  fieldValue,
  filterOn,
  interleave,
  key,
  PROTOTYPE_KEYS,
  RUNS,
  readInstant,
  readKey,
  recordOf,
  recordsOf,
  shallowValue,
  toJsonText,
} from './fuzz-arbitraries.ts';

// Property-based fuzzing of every write door: the GraphQL ingest mutations, the Hightouch REST
// routes and the JSON-RPC endpoint, plus raw bodies, and of the read API (dimensions, breakdowns,
// filters, orderings, series, lookups, cursors) with keys such as `valueOf` or `__proto__`. Properties: never a 5xx or an internal error,
// every response is a well-formed result or error, and the valid records of a mixed batch are
// stored exactly once (checked in the database, and again after a replay).

const schema = buildSchema(typeDefs);
const enumValues = (name: string) => new Set((schema.getType(name) as GraphQLEnumType).getValues().map((v) => v.name));
const RECORD_STATUSES = enumValues('RecordStatus');
const RECORD_ERROR_CODES = enumValues('RecordErrorCode');
const USER_ERROR_CODES = enumValues('UserErrorCode');

const PAYLOAD =
  'received created updated unchanged duplicate deleted notFound rejected results { index id status errors { field code message } }';
const MUTATIONS = {
  upsertAccounts: `mutation($records: [AccountInput]!, $mode: UpsertMode) { upsertAccounts(input: { records: $records, mode: $mode }) { ${PAYLOAD} } }`,
  upsertUsers: `mutation($records: [UserInput]!, $mode: UpsertMode) { upsertUsers(input: { records: $records, mode: $mode }) { ${PAYLOAD} } }`,
  trackEvents: `mutation($records: [EventInput]!) { trackEvents(input: { records: $records }) { ${PAYLOAD} } }`,
  deleteAccounts: `mutation($ids: [ID]!, $purge: Boolean) { deleteAccounts(input: { ids: $ids, purgeEvents: $purge }) { ${PAYLOAD} } }`,
  deleteUsers: `mutation($ids: [ID]!, $purge: Boolean) { deleteUsers(input: { ids: $ids, purgeEvents: $purge }) { ${PAYLOAD} } }`,
  createCustomField: `mutation($input: CreateCustomFieldInput!) { createCustomField(input: $input) { field { key type } userErrors { field message code } } }`,
};

// Every default field of the object (src/catalog/fields.ts), and custom fields.
const fieldsOf = (object: 'ACCOUNT' | 'USER') => [...DEFAULT_FIELDS[object].map((field) => field.key), 'custom'];
const ACCOUNT_FIELDS = fieldsOf('ACCOUNT');
const USER_FIELDS = fieldsOf('USER');
const EVENT_FIELDS = ['name', 'timestamp', 'userId', 'accountId', 'eventId', 'properties'];
const REST_FIELDS = {
  account: ['account_id', 'company_name', 'domain', 'seats', 'mrr', 'created_at', 'owner_email', 'plan_tier'],
  user: ['user_id', 'email', 'account_id', 'name', 'last_seen_at', 'role'],
  event: ['event_name', 'timestamp', 'user_id', 'account_id', 'event_id', 'properties', 'amount'],
};

let t: TestApp;
let payloads = 0;
let run = 0;

beforeAll(async () => {
  // Limits that would refuse fuzz traffic as a whole are lifted: the fuzz targets record handling.
  t = await createTestApp({
    RATE_LIMIT_INGEST_PER_SECOND: '0',
    RATE_LIMIT_READ_PER_SECOND: '0',
    RATE_LIMIT_ADMIN_PER_SECOND: '0',
    LOG_LEVEL: 'warn',
  });
});
afterAll(async () => {
  console.log(`[fuzz] ${payloads} payloads sent (${RUNS} runs per property, ${t?.database.kind})`);
  await t?.close();
});

interface Sent {
  status: number;
  body: any;
  text: string;
}

async function send(url: string, payload: string | Buffer, key: string, headers: Record<string, string> = {}): Promise<Sent> {
  payloads++;
  const response = await t.server.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
    payload,
  });
  const text = response.body;
  expect(response.statusCode, text.slice(0, 500)).toBeLessThan(500);
  let body: any;
  if (response.statusCode !== 204) {
    expect(
      () => {
        body = JSON.parse(text);
      },
      text.slice(0, 500),
    ).not.toThrow();
  }
  return { status: response.statusCode, body, text };
}

function checkRecordResults(results: any[], received: number, counts?: Record<string, number>): void {
  expect(results).toHaveLength(received);
  results.forEach((result, index) => {
    expect(result.index).toBe(index);
    expect(RECORD_STATUSES.has(String(result.status).toUpperCase()), result.status).toBe(true);
    expect(Array.isArray(result.errors)).toBe(true);
    expect(result.errors.length > 0).toBe(String(result.status).toUpperCase() === 'REJECTED');
    for (const error of result.errors) {
      expect(RECORD_ERROR_CODES.has(error.code), error.code).toBe(true);
      expect(typeof error.message).toBe('string');
      expect(error.field === null || typeof error.field === 'string').toBe(true);
    }
  });
  if (counts) {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    expect(total).toBe(received);
  }
}

/** A GraphQL answer: a well-formed payload or well-formed errors, never an internal error. */
function checkGraphql(res: Sent, op: keyof typeof MUTATIONS): any {
  expect(res.body.errors !== undefined || res.body.data !== undefined).toBe(true);
  for (const error of res.body.errors ?? []) {
    expect(typeof error.message).toBe('string');
    expect(typeof error.extensions?.code).toBe('string');
    expect(error.extensions.code, JSON.stringify(error)).not.toBe('INTERNAL_SERVER_ERROR');
  }
  const payload = res.body.data?.[op];
  if (!payload) {
    expect(res.body.errors?.length ?? 0).toBeGreaterThan(0);
    return undefined;
  }
  if (op === 'createCustomField') {
    expect(Array.isArray(payload.userErrors)).toBe(true);
    for (const error of payload.userErrors) expect(USER_ERROR_CODES.has(error.code)).toBe(true);
    expect(payload.field === null || typeof payload.field.key === 'string').toBe(true);
    return payload;
  }
  const { received, created, updated, unchanged, duplicate, deleted, notFound, rejected } = payload;
  checkRecordResults(payload.results, received, { created, updated, unchanged, duplicate, deleted, notFound, rejected });
  return payload;
}

/** A REST answer: `{results, summary}` on success, `{error: {code, message}}` otherwise. */
function checkRest(res: Sent): any {
  if (res.status >= 200 && res.status < 300) {
    const { results, summary } = res.body;
    checkRecordResults(results, summary.received, {
      created: summary.created,
      updated: summary.updated,
      unchanged: summary.unchanged,
      duplicate: summary.duplicate,
      deleted: summary.deleted,
      not_found: summary.not_found,
      rejected: summary.rejected,
    });
    return res.body;
  }
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(typeof res.body.error?.code, res.text).toBe('string');
  expect(typeof res.body.error?.message).toBe('string');
  expect(res.body.error.code).not.toMatch(/INTERNAL/);
  return undefined;
}

/** A JSON-RPC answer (or batch of them); internal errors (-32603) count as failures. */
function checkRpc(res: Sent): void {
  if (res.status === 204) {
    expect(res.text).toBe('');
    return;
  }
  const responses = Array.isArray(res.body) ? res.body : [res.body];
  expect(responses.length).toBeGreaterThan(0);
  for (const response of responses) {
    expect(response.jsonrpc, res.text.slice(0, 300)).toBe('2.0');
    expect('id' in response).toBe(true);
    expect('result' in response !== 'error' in response, res.text.slice(0, 300)).toBe(true);
    if (response.error) {
      expect(Number.isInteger(response.error.code)).toBe(true);
      expect(typeof response.error.message).toBe('string');
      expect(response.error.code, res.text.slice(0, 300)).not.toBe(-32603);
    }
  }
}

async function count(query: ReturnType<typeof sql>): Promise<number> {
  const [row] = await rows<{ n: number }>(t.database.db, query);
  return row?.n ?? 0;
}

/** Raw event rows per workspace vs the rollups maintained beside them, once folded (as a read would find them). */
async function expectRollupsMatch(workspaceId: string): Promise<void> {
  await t.server.deps.folder.catchUp(workspaceId);
  const events = await count(sql`select count(*)::int as n from events where workspace_id = ${workspaceId}`);
  const rolled = await count(sql`select coalesce(sum(count), 0)::int as n from metric_daily where workspace_id = ${workspaceId}`);
  expect(rolled).toBe(events);
}

const FUZZ_TIMEOUT = 60_000 + RUNS * 1_500;

describe('fuzzing the GraphQL mutations', () => {
  it('answers every generated call with a well-formed payload or error, never a 5xx', { timeout: FUZZ_TIMEOUT }, async () => {
    const call = fc.oneof(
      fc.record({
        op: fc.constant('upsertAccounts' as const),
        variables: fc.record(
          { records: recordsOf(recordOf(ACCOUNT_FIELDS)), mode: fc.oneof(fc.constantFrom('UPSERT', 'UPDATE_ONLY'), fieldValue) },
          { requiredKeys: ['records'] },
        ),
      }),
      fc.record({ op: fc.constant('upsertUsers' as const), variables: fc.record({ records: recordsOf(recordOf(USER_FIELDS)) }) }),
      fc.record({ op: fc.constant('trackEvents' as const), variables: fc.record({ records: recordsOf(recordOf(EVENT_FIELDS)) }) }),
      fc.record({
        op: fc.constantFrom('deleteAccounts' as const, 'deleteUsers' as const),
        variables: fc.record({ ids: recordsOf(fieldValue), purge: fc.oneof(fc.boolean(), fieldValue) }, { requiredKeys: ['ids'] }),
      }),
      fc.record({
        op: fc.constant('createCustomField' as const),
        variables: fc.record({
          input: fc.oneof(
            recordOf(['object', 'key', 'type', 'label']),
            fc.record({
              object: fc.constantFrom('ACCOUNT', 'USER', 'EVENT'),
              key,
              type: fc.constantFrom('STRING', 'NUMBER', 'BOOLEAN', 'DATETIME', 'EMAIL', 'URL', 'MIXED'),
              label: fc.oneof(anyText, edgeStrings),
            }),
          ),
        }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(call, fc.boolean(), async ({ op, variables }, duplicates) => {
        const res = await send('/graphql', toJsonText({ query: MUTATIONS[op], variables }, duplicates), t.adminKey);
        checkGraphql(res, op);
      }),
      { numRuns: RUNS },
    );
  });

  it('stores the valid records of a mixed batch exactly once, also when the batch is replayed', { timeout: FUZZ_TIMEOUT }, async () => {
    const mixed = fc.record({
      // GraphQL refuses a whole call whose records have unknown fields or are not objects (variable
      // coercion), so the noise here is schema-shaped: known fields with any values, or null.
      accounts: fc.array(fc.option(recordOf(ACCOUNT_FIELDS, false, shallowValue)), { maxLength: 5 }),
      events: fc.array(fc.option(recordOf(EVENT_FIELDS, false, shallowValue)), { maxLength: 5 }),
      validCount: fc.integer({ min: 1, max: 5 }),
      positions: fc.array(fc.nat({ max: 10 }), { minLength: 5, maxLength: 5 }),
      duplicates: fc.boolean(),
      strange: fc.oneof(edgeStrings, anyText),
    });
    await fc.assert(
      fc.asyncProperty(mixed, async ({ accounts, events, validCount, positions, duplicates, strange }) => {
        const tag = `r${++run}-`;
        const ws = await t.newWorkspace(`fuzz ${tag}`);
        // Valid records may still carry odd but legal content (unicode names, `constructor` columns).
        const validAccounts = Array.from({ length: validCount }, (_, i) => ({
          id: `${tag}acc-${i}`,
          // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the test data.
          name: `Valid ${i} ${strange.replace(/[\u0000\ud800-\udfff]/g, '')}`.slice(0, 200),
          seats: i,
          custom: { tier: i, '__proto__ ': 'not a prototype' },
        }));
        // A column named `constructor` is answered per record, it does not cost the batch.
        const validEvents = Array.from({ length: validCount }, (_, i) => ({
          name: 'Valid Event',
          timestamp: '2026-01-02T03:04:05Z',
          userId: `${tag}user`,
          eventId: `${tag}ev-${i}`,
          properties: { amount: i + 0.5 },
        }));
        const a = interleave(
          validAccounts,
          [...accounts, { id: `${tag}ctor`, name: 'Ctor', custom: { constructor: 'column' } }],
          positions,
        );
        const e = interleave(validEvents, events, positions);

        for (const attempt of [1, 2]) {
          const upsertRes = await send(
            '/graphql',
            toJsonText({ query: MUTATIONS.upsertAccounts, variables: { records: a.batch } }, duplicates),
            ws.adminKey,
          );
          const trackRes = await send(
            '/graphql',
            toJsonText({ query: MUTATIONS.trackEvents, variables: { records: e.batch } }, duplicates),
            ws.adminKey,
          );
          const upsert = checkGraphql(upsertRes, 'upsertAccounts');
          const track = checkGraphql(trackRes, 'trackEvents');
          expect(upsert, `the valid accounts must be answered per record: ${upsertRes.text.slice(0, 300)}`).toBeDefined();
          expect(track, `the valid events must be answered per record: ${trackRes.text.slice(0, 300)}`).toBeDefined();
          for (const at of a.validAt) expect(upsert.results[at].status).toBe(attempt === 1 ? 'CREATED' : 'UNCHANGED');
          for (const at of e.validAt) expect(track.results[at].status).toBe(attempt === 1 ? 'CREATED' : 'DUPLICATE');
          expect(
            await count(sql`select count(*)::int as n from accounts where workspace_id = ${ws.workspaceId} and id like ${`${tag}acc-%`}`),
          ).toBe(validCount);
          expect(
            await count(
              sql`select count(*)::int as n from events where workspace_id = ${ws.workspaceId} and event_id like ${`${tag}ev-%`}`,
            ),
          ).toBe(validCount);
          await expectRollupsMatch(ws.workspaceId);
        }
      }),
      { numRuns: Math.max(20, Math.round(RUNS / 3)), endOnFailure: true },
    );
  });
});

describe('fuzzing the Hightouch REST routes', () => {
  it('answers every generated request with results or an error envelope, never a 5xx', { timeout: FUZZ_TIMEOUT }, async () => {
    const request = fc.oneof(
      fc.record({
        object: fc.constant('account'),
        mode: fc.constantFrom('upsert', 'update', 'delete'),
        records: recordsOf(recordOf(REST_FIELDS.account)),
      }),
      fc.record({
        object: fc.constant('user'),
        mode: fc.constantFrom('upsert', 'update', 'delete'),
        records: recordsOf(recordOf(REST_FIELDS.user)),
      }),
      fc.record({ object: fc.constant('event'), mode: fc.constant('insert'), records: recordsOf(recordOf(REST_FIELDS.event)) }),
      fc.record({
        object: fc.oneof(fc.constantFrom('account', 'event', 'accounts', '..', '%00'), fc.string({ maxLength: 8 })),
        mode: fc.oneof(fc.constantFrom('upsert', 'insert', 'fields'), fc.string({ maxLength: 8 })),
        records: anyJson,
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        request,
        fc.constantFrom('wrapped', 'bare', 'single'),
        fc.boolean(),
        async ({ object, mode, records }, envelope, duplicates) => {
          const body =
            envelope === 'wrapped' ? { records } : envelope === 'bare' ? records : Array.isArray(records) ? (records[0] ?? {}) : records;
          const url = `/hightouch/v1/objects/${encodeURIComponent(object)}/${encodeURIComponent(mode)}`;
          checkRest(await send(url, toJsonText(body, duplicates), t.adminKey));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('stores the valid rows of a mixed REST batch exactly once, also when replayed', { timeout: FUZZ_TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(recordOf(REST_FIELDS.event, true, shallowValue), { maxLength: 6 }),
        fc.array(fc.nat({ max: 8 }), { minLength: 4, maxLength: 4 }),
        async (noise, positions) => {
          const tag = `r${++run}-`;
          const ws = await t.newWorkspace(`rest ${tag}`);
          const valid = positions.map((_, i) => ({
            event_name: 'Signed In',
            timestamp: 1_767_225_600 + i,
            user_id: `${tag}u`,
            event_id: `${tag}e${i}`,
            amount: i,
          }));
          const { batch, validAt } = interleave(valid, noise, positions);
          for (const attempt of [1, 2]) {
            const res = checkRest(await send('/hightouch/v1/objects/event/insert', JSON.stringify({ records: batch }), ws.adminKey));
            expect(res, 'a batch with valid rows is answered per row').toBeDefined();
            for (const at of validAt) expect(res.results[at].status).toBe(attempt === 1 ? 'created' : 'duplicate');
            expect(
              await count(
                sql`select count(*)::int as n from events where workspace_id = ${ws.workspaceId} and event_id like ${`${tag}e%`}`,
              ),
            ).toBe(valid.length);
            await expectRollupsMatch(ws.workspaceId);
          }
        },
      ),
      { numRuns: Math.max(20, Math.round(RUNS / 3)), endOnFailure: true },
    );
  });
});

describe('fuzzing the JSON-RPC endpoint', () => {
  it('answers every generated call with a JSON-RPC response, never a 5xx or an internal error', { timeout: FUZZ_TIMEOUT }, async () => {
    const configuration = fc.oneof(
      fc.record({
        object: fc.constantFrom('account', 'user', 'event'),
        mode: fc.constantFrom('upsert', 'update', 'insert'),
        identifierMapping: fc.record({ from: fc.constantFrom('ID', 'X'), to: fc.constantFrom('account_id', 'user_id') }),
        mappings: fc.array(
          fc.record({
            from: fc.constantFrom('A', 'B', 'C', 'TS', 'ID'),
            to: fc.constantFrom(...REST_FIELDS.event, ...REST_FIELDS.account),
          }),
          { maxLength: 5 },
        ),
      }),
      anyJson,
    );
    const params = fc.oneof(
      fc.record(
        { configuration, rows: recordsOf(recordOf(['ID', 'A', 'B', 'C', 'TS', 'X'])), idColumn: fc.oneof(fc.constant('ID'), fieldValue) },
        { requiredKeys: [] },
      ),
      fc.record({ object: fc.oneof(fc.constantFrom('account', 'user', 'event'), fieldValue), mode: fieldValue }, { requiredKeys: [] }),
      anyJson,
    );
    const call = fc.record(
      {
        jsonrpc: fc.oneof({ arbitrary: fc.constant('2.0'), weight: 5 }, { arbitrary: fieldValue, weight: 1 }),
        id: fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constant(null), anyJson),
        method: fc.oneof(
          {
            arbitrary: fc.constantFrom(...DESTINATION_METHODS),
            weight: 5,
          },
          { arbitrary: fieldValue, weight: 1 },
        ),
        params,
      },
      { requiredKeys: ['method'] },
    );
    const body = fc.oneof(
      { arbitrary: call, weight: 6 },
      { arbitrary: fc.array(call, { maxLength: 4 }), weight: 2 },
      { arbitrary: anyJson, weight: 1 },
    );
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (payload, duplicates) => {
        checkRpc(await send('/hightouch/v1/rpc', toJsonText(payload, duplicates), t.adminKey));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('fuzzing the read API', () => {
  // Stored fields named like Object.prototype members (and huge numbers), so a lookup that reaches
  // the prototype, a key spliced into SQL or an overflowing aggregate shows up as an internal error.
  const STORED = ['valueOf', 'toString', 'hasOwnProperty', 'isPrototypeOf', 'plan_tier', 'amount', 'renewal_at'];
  let reader: { workspaceId: string; adminKey: string };
  beforeAll(async () => {
    reader = await t.newWorkspace('fuzz reads');
    const values = (i: number) => ({
      valueOf: [1, -1.7e308, 1.7e308, 42][i % 4],
      toString: ['a', 'b', 'c'][i % 3],
      hasOwnProperty: i % 2 === 0,
      isPrototypeOf: `2026-03-0${(i % 9) + 1}T12:00:00+02`,
      plan_tier: ['free', 'pro'][i % 2],
      amount: [1.5e308, 5, -1.7e308][i % 3],
      renewal_at: '2026-03-01T12:00:00+02',
    });
    const accounts = Array.from({ length: 6 }, (_, i) => ({ id: `a${i}`, name: `A ${i}`, custom: values(i) }));
    const users = Array.from({ length: 6 }, (_, i) => ({
      id: `u${i}`,
      email: `u${i}@example.com`,
      accountId: `a${i % 3}`,
      custom: values(i),
    }));
    const events = Array.from({ length: 12 }, (_, i) => ({
      name: ['valueOf', 'Signed In'][i % 2],
      // One event per user and day: each rollup row holds one huge value, their sums overflow a double.
      timestamp: `2026-11-${String(i + 1).padStart(2, '0')}T10:00:00Z`,
      userId: `u${i % 6}`,
      properties: values(i),
    }));
    for (const [query, records] of [
      [MUTATIONS.upsertAccounts, accounts],
      [MUTATIONS.upsertUsers, users],
      [MUTATIONS.trackEvents, events],
    ] as const) {
      const res = await send('/graphql', JSON.stringify({ query, variables: { records } }), reader.adminKey);
      expect(res.body.errors, res.text.slice(0, 300)).toBeUndefined();
    }
  });

  const READS = {
    dimension: `query($key: String!) { accounts(first: 6) { nodes { id dimensions dimension(key: $key) } } users(first: 6) { nodes { id dimensions dimension(key: $key) } } }`,
    breakdown: `query($object: ObjectKind!, $key: String!, $filter: [DimensionFilter!], $buckets: Int) { dimensionBreakdown(object: $object, key: $key, filter: $filter, buckets: $buckets) { total missing other buckets { label value from to count } } }`,
    records: `query($filter: [DimensionFilter!], $order: String, $after: String) { accounts(first: 3, filter: $filter, orderBy: { dimension: $order }, after: $after) { totalCount nodes { id } pageInfo { endCursor } } users(first: 3, filter: $filter, after: $after) { totalCount nodes { id } } }`,
    catalog: `query($object: ObjectKind!) { dimensions(object: $object) { key type coverage distinctCount topValues { value count } numericStats { min max avg sum } } metrics { name total uniqueUsers } }`,
    series: `query($input: MetricSeriesInput!) { metricSeries(input: $input) { total points { start value } } }`,
    lookup: `query($id: ID!, $name: String, $after: String, $event: String, $property: String, $from: DateTime!, $to: DateTime!) { account(id: $id) { id metric(metric: { event: $event, property: $property }, window: { from: $from, to: $to }) } user(id: $id) { id events(name: $name, after: $after) { nodes { id } } } }`,
  };

  it('answers every generated read with data or a clean error, never an internal error', { timeout: FUZZ_TIMEOUT }, async () => {
    const keys = readKey(STORED);
    const object = fc.constantFrom('ACCOUNT', 'USER', 'EVENT');
    const read = fc.oneof(
      fc.record({ op: fc.constant('dimension' as const), variables: fc.record({ key: keys }) }),
      fc.record({
        op: fc.constant('breakdown' as const),
        variables: fc.record({
          object,
          key: keys,
          filter: fc.array(filterOn(keys), { maxLength: 2 }),
          buckets: fc.integer({ min: 1, max: 12 }),
        }),
      }),
      fc.record({
        op: fc.constant('records' as const),
        variables: fc.record({ filter: fc.array(filterOn(keys), { maxLength: 2 }), order: keys, after: fc.option(cursor) }),
      }),
      fc.record({ op: fc.constant('catalog' as const), variables: fc.record({ object }) }),
      fc.record({
        op: fc.constant('series' as const),
        variables: fc.record({
          input: fc.record({
            metric: fc.oneof(fc.record({ event: keys }), fc.record({ property: keys })),
            from: readInstant,
            to: readInstant,
            aggregate: fc.constantFrom('COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'LAST', 'UNIQUE_USERS'),
            interval: fc.constantFrom('DAY', 'WEEK', 'MONTH'),
            timeZone: fc.oneof(fc.constantFrom('UTC', 'Europe/Berlin', 'US/Pacific-New', 'europe/BERLIN', 'Etc/GMT+14'), anyText),
          }),
        }),
      }),
      fc.record({
        op: fc.constant('lookup' as const),
        variables: fc.record({
          id: fc.oneof(fc.constantFrom('a1', 'u1', ' a1 ', 'a\u0000', '€'.repeat(257)), anyText, edgeStrings),
          name: fc.option(keys),
          after: fc.option(cursor),
          event: fc.option(keys),
          property: fc.option(keys),
          from: readInstant,
          to: readInstant,
        }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(read, async ({ op, variables }) => {
        const res = await send('/graphql', JSON.stringify({ query: READS[op], variables }), reader.adminKey);
        expect(res.body.errors !== undefined || res.body.data !== undefined, res.text.slice(0, 300)).toBe(true);
        for (const error of res.body.errors ?? []) expect(error.extensions?.code, JSON.stringify(error)).not.toBe('INTERNAL_SERVER_ERROR');
        if (op === 'dimension' && res.body.data) {
          // The value of a key is the record's own value or null, never something inherited.
          for (const node of [...res.body.data.accounts.nodes, ...res.body.data.users.nodes]) {
            const own = Object.hasOwn(node.dimensions, variables.key)
              ? node.dimensions[variables.key]
              : variables.key === 'id'
                ? node.id
                : null;
            expect(node.dimension, `dimension(key: ${JSON.stringify(variables.key)})`).toEqual(own);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('finds every prototype-named stored field through every read', { timeout: FUZZ_TIMEOUT }, async () => {
    for (const key of PROTOTYPE_KEYS) {
      const res = await send('/graphql', JSON.stringify({ query: READS.dimension, variables: { key } }), reader.adminKey);
      expect(res.body.errors, res.text.slice(0, 300)).toBeUndefined();
      const expected = STORED.includes(key) ? expect.anything() : null;
      for (const node of res.body.data.accounts.nodes) expect(node.dimension, key).toEqual(expected);
      for (const object of ['ACCOUNT', 'USER', 'EVENT']) {
        const breakdown = await send('/graphql', JSON.stringify({ query: READS.breakdown, variables: { object, key } }), reader.adminKey);
        if (STORED.includes(key)) expect(breakdown.body.errors, breakdown.text.slice(0, 300)).toBeUndefined();
        else expect(breakdown.body.errors?.[0]?.extensions?.code, breakdown.text.slice(0, 300)).toBe('BAD_USER_INPUT');
      }
    }
  });
});

describe('fuzzing raw bodies', () => {
  const rawBody = fc.oneof(
    fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
    fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
    anyJson.map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    anyJson.map((v) => Buffer.from((JSON.stringify({ query: MUTATIONS.trackEvents, variables: { records: v } }) ?? '').slice(0, -3))),
    deep.map((v) => Buffer.from(JSON.stringify({ records: v }))),
    fc.integer({ min: 60, max: 5000 }).map((n) => Buffer.from(`{"records":${'['.repeat(n)}`)),
  );
  const contentType = fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/vnd.api+json',
    'text/plain',
    'application/octet-stream',
    'application/json; charset=latin1',
    '',
  );
  const encoding = fc.constantFrom('', 'gzip', 'deflate', 'br', 'compress', 'gzip, gzip');

  it('never answers a 5xx or a non-JSON error, whatever the bytes, type and encoding', { timeout: FUZZ_TIMEOUT }, async () => {
    const urls = ['/graphql', '/hightouch/v1/objects/event/insert', '/hightouch/v1/objects/account/upsert', '/hightouch/v1/rpc'];
    await fc.assert(
      fc.asyncProperty(rawBody, contentType, encoding, fc.constantFrom(...urls), fc.boolean(), async (bytes, type, enc, url, compress) => {
        const payload = compress && enc === 'gzip' ? gzipSync(bytes) : bytes;
        const headers: Record<string, string> = { 'content-type': type };
        if (enc) headers['content-encoding'] = enc;
        const res = await send(url, payload, t.adminKey, headers);
        if (url === '/hightouch/v1/rpc') {
          if (res.status !== 204 && !Array.isArray(res.body) && res.body?.jsonrpc === undefined) checkRest(res);
          else checkRpc(res);
        } else if (url === '/graphql') {
          expect(res.body.errors !== undefined || res.body.data !== undefined, res.text).toBe(true);
          for (const error of res.body.errors ?? []) expect(error.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
        } else checkRest(res);
      }),
      { numRuns: RUNS },
    );
  });
});
