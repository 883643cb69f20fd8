import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { expect, it } from 'vitest';
import { tracedSuiteApp } from '../support/harness.ts';

// A collector that is down: after an export fails, requests are not traced for a while (5 s, then
// doubling), counted in /metrics; when the pause is over they are traced again, and once an export
// succeeds tracing goes on as before. The clock is the test's.
const EXPORT_SUCCESS = 0;
const EXPORT_FAILED = 1;
const collector = { up: false, received: [] as ReadableSpan[][] };
const exporter: SpanExporter = {
  export(spans, done) {
    collector.received.push([...spans]);
    done({ code: collector.up ? EXPORT_SUCCESS : EXPORT_FAILED });
  },
  shutdown: async () => {},
};
let now = Date.UTC(2026, 11, 2, 15);
const { t, tracing } = tracedSuiteApp({ exporter, now: () => now });

const QUERY = '{ accounts(first: 5) { nodes { id } } }';
/** Send a query, export what was recorded; the spans the collector was offered. */
async function exported(): Promise<number> {
  collector.received = [];
  expect((await t.gql(QUERY)).errors).toBeUndefined();
  // A flush whose export failed rejects: expected while the collector is down.
  await tracing()
    .flush()
    .catch(() => {});
  return collector.received.flat().length;
}
const skipped = async () =>
  Number(/otel_traces_skipped_total (\d+)/.exec((await t.server.app.inject({ method: 'GET', url: '/metrics' })).body)?.[1]);

it('stops tracing new requests for a while after an export fails, counts them, and resumes', async () => {
  // The first export fails: the collector is down.
  expect(await exported()).toBeGreaterThan(0);
  const before = await skipped();
  // Within the pause: nothing is recorded, the request is counted as not traced (the /metrics
  // scrape is a request too).
  now += 4_000;
  expect(await exported()).toBe(0);
  expect(await skipped()).toBeGreaterThanOrEqual(before + 1);
  // After 5 s the next request is traced again; its export fails too: the pause doubles (10 s).
  now += 1_000;
  expect(await exported()).toBeGreaterThan(0);
  now += 9_000;
  expect(await exported()).toBe(0);
  now += 1_000;
  // The collector is back: the export succeeds and every later request is traced at once.
  collector.up = true;
  expect(await exported()).toBeGreaterThan(0);
  expect(await exported()).toBeGreaterThan(0);
  expect(await exported()).toBeGreaterThan(0);
});
