import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { tracingRequested } from '../../src/observability/tracing.ts';
import { tracedSuiteApp } from '../support/harness.ts';

// Traces with the SDK's in-memory exporter: one Hightouch ingest call and one nested query, each a
// tree HTTP → GraphQL operation → resolvers that did I/O → SQL statements; identifiers as
// attributes, never a key or a record value.
const exporter = new InMemorySpanExporter();
const { t, tracing } = tracedSuiteApp({ exporter });

async function traceOf(run: () => Promise<unknown>): Promise<ReadableSpan[]> {
  exporter.reset();
  await run();
  await tracing().flush();
  return exporter.getFinishedSpans();
}

const parentId = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const childrenOf = (spans: ReadableSpan[], parent: ReadableSpan) => spans.filter((s) => parentId(s) === parent.spanContext().spanId);
const named = (spans: ReadableSpan[], name: string) => {
  const found = spans.filter((s) => s.name === name);
  expect(
    found.map((s) => s.name),
    `span ${name} among ${spans.map((s) => s.name).join(', ')}`,
  ).not.toEqual([]);
  return found;
};

function expectNoSecrets(spans: ReadableSpan[], secrets: string[]) {
  const text = JSON.stringify(spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })));
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/cor_[0-9A-Za-z]{20,}/);
}

describe('tracing', () => {
  it('is off unless the standard variables ask for it', () => {
    expect(tracingRequested({})).toBe(false);
    expect(tracingRequested({ OTEL_SERVICE_NAME: 'api' })).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
  });

  it('traces a Hightouch ingest call: HTTP, the mutation, its resolver and its statements, with record counts', async () => {
    const records = [
      { account_id: 'acme', company_name: 'Acme Secret Corp', seats: 25 },
      { account_id: 'globex', company_name: 'Globex Hidden Ltd', seats: 3 },
    ];
    const spans = await traceOf(async () => {
      const response = await t.server.app.inject({
        method: 'POST',
        url: '/hightouch/v1/objects/account/upsert',
        headers: { authorization: `Bearer ${t.adminKey}`, 'content-type': 'application/json' },
        payload: { records },
      });
      expect(response.statusCode).toBe(200);
    });
    const [http] = named(spans, 'POST /hightouch/v1/objects/:object/:mode');
    expect(parentId(http!)).toBeUndefined();
    expect(http!.attributes).toMatchObject({
      'http.route': '/hightouch/v1/objects/:object/:mode',
      'http.response.status_code': 200,
      'workspace.id': t.workspaceId,
      'hightouch.object': 'account',
      'hightouch.method': 'upsert',
      'ingest.records.account.created': 2,
    });
    const [operation] = childrenOf(spans, http!).filter((s) => s.name.startsWith('mutation '));
    expect(operation?.attributes).toMatchObject({ 'graphql.operation.type': 'mutation', 'workspace.id': t.workspaceId });
    expect(operation?.attributes['graphql.operation.cost']).toEqual(expect.any(Number));
    const [resolver] = childrenOf(spans, operation!);
    expect(resolver?.name).toBe('Mutation.upsertAccounts');
    const statements = spans.filter((s) => s.attributes['db.query.text'] !== undefined);
    expect(statements.length).toBeGreaterThan(0);
    // Every statement of the call hangs under the resolver (directly or through another statement's context).
    for (const statement of statements) expect(parentId(statement)).toBe(resolver!.spanContext().spanId);
    expect(statements.some((s) => typeof s.attributes['db.response.returned_rows'] === 'number')).toBe(true);
    expectNoSecrets(spans, [t.adminKey, 'Acme Secret Corp', 'Globex Hidden Ltd']);
  });

  it('names the JSON-RPC methods of an adapter call on its request span', async () => {
    const spans = await traceOf(async () => {
      const response = await t.server.app.inject({
        method: 'POST',
        url: '/hightouch/v1/rpc',
        headers: { authorization: `Bearer ${t.adminKey}`, 'content-type': 'application/json' },
        payload: [
          { jsonrpc: '2.0', id: 1, method: 'list_objects' },
          { jsonrpc: '2.0', id: 2, method: 'list_modes', params: { object: 'user' } },
        ],
      });
      expect(response.statusCode).toBe(200);
    });
    const [http] = named(spans, 'POST /hightouch/v1/rpc');
    expect(http!.attributes).toMatchObject({ 'hightouch.method': 'list_objects,list_modes', 'workspace.id': t.workspaceId });
    expectNoSecrets(spans, [t.adminKey]);
  });

  it('traces a nested query: a span per resolver that did I/O, nested by path, with its statements', async () => {
    const query = 'query Nested { accounts(first: 5) { nodes { id users(first: 3) { nodes { email } } } } }';
    const spans = await traceOf(async () => {
      const response = await t.gql(query);
      expect(response.errors).toBeUndefined();
      expect(response.data?.accounts.nodes).toHaveLength(2);
    });
    const [http] = named(spans, 'POST /graphql');
    expect(http!.attributes).toMatchObject({ 'workspace.id': t.workspaceId, 'graphql.operation.name': 'Nested' });
    const [operation] = named(spans, 'query Nested');
    expect(parentId(operation!)).toBe(http!.spanContext().spanId);
    expect(operation!.attributes).toMatchObject({ 'graphql.operation.name': 'Nested', 'graphql.operation.type': 'query' });
    expect(operation!.attributes['graphql.operation.cost']).toBeGreaterThan(1);
    const [accounts] = named(spans, 'Query.accounts');
    expect(parentId(accounts!)).toBe(operation!.spanContext().spanId);
    expect(childrenOf(spans, accounts!).some((s) => s.attributes['db.query.text'] !== undefined)).toBe(true);
    // The users of the accounts: one batched load, under the accounts resolver, by the path of the
    // resolver that started it; the other account's resolver waits for the same load and has no span.
    const users = named(spans, 'Account.users');
    expect(users.map((s) => s.attributes['graphql.field.path'])).toEqual(['accounts.nodes.0.users']);
    for (const span of users) expect(parentId(span)).toBe(accounts!.spanContext().spanId);
    // Their statements (one batched load for both) hang under a users resolver.
    const userIds = new Set(users.map((s) => s.spanContext().spanId));
    expect(spans.some((s) => s.attributes['db.query.text'] !== undefined && userIds.has(parentId(s) ?? ''))).toBe(true);
    // Plain fields (`id`, `email`) do no I/O: no span.
    expect(spans.filter((s) => s.name === 'Account.id' || s.name === 'User.email')).toEqual([]);
    for (const statement of spans.filter((s) => s.attributes['db.query.text'] !== undefined)) {
      expect(String(statement.attributes['db.query.text'])).not.toMatch(/'acme'|'globex'/);
    }
    expectNoSecrets(spans, [t.adminKey]);
  });
});
