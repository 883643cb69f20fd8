import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { expect, it } from 'vitest';
import { tracedSuiteApp } from '../support/harness.ts';

// A collector that is down: after an export fails, requests are not traced (counted in /metrics);
// after a pause (5 s, then doubling) the next request probes the collector with an empty export,
// and once a probe succeeds requests are traced again. The clock is the test's.
const EXPORT_SUCCESS = 0;
const EXPORT_FAILED = 1;
const collector = { up: true, received: [] as ReadableSpan[][] };
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
/** Send a query and export what was recorded: the spans the collector was sent, and the probes (empty exports). */
async function request(): Promise<{ spans: number; probes: number }> {
  collector.received = [];
  expect((await t.gql(QUERY)).errors).toBeUndefined();
  // A flush whose export failed rejects: expected while the collector is down.
  await tracing()
    .flush()
    .catch(() => {});
  return { spans: collector.received.flat().length, probes: collector.received.filter((batch) => batch.length === 0).length };
}
const skipped = async () =>
  Number(/otel_traces_skipped_total (\d+)/.exec((await t.server.app.inject({ method: 'GET', url: '/metrics' })).body)?.[1]);

it('starts tracing once the probe sent at start finds the collector', async () => {
  expect(await tracing().ready).toBe(true);
  expect(collector.received).toEqual([[]]);
  expect(await request()).toMatchObject({ probes: 0 });
  expect((await request()).spans).toBeGreaterThan(0);
});

it('stops tracing when an export fails, probes the collector after a pause that doubles, and resumes once it answers', async () => {
  // Traced; the export fails: the collector is down.
  collector.up = false;
  expect((await request()).spans).toBeGreaterThan(0);
  const before = await skipped();
  // Within the 5 s pause: nothing recorded or sent; the request is counted as not traced.
  now += 4_000;
  expect(await request()).toEqual({ spans: 0, probes: 0 });
  expect(await skipped()).toBeGreaterThanOrEqual(before + 1);
  // After it, a request (untraced) probes; the probe fails: the next pause is 10 s.
  now += 1_000;
  expect(await request()).toEqual({ spans: 0, probes: 1 });
  now += 9_000;
  expect(await request()).toEqual({ spans: 0, probes: 0 });
  // The collector is back: the next probe succeeds (at once, in-process: that request is traced
  // too), and requests are traced again.
  now += 1_000;
  collector.up = true;
  const probed = await request();
  expect(probed.probes).toBe(1);
  expect(probed.spans).toBeGreaterThan(0);
  expect((await request()).spans).toBeGreaterThan(0);
});
