import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { expect, it } from 'vitest';
import { tracedSuiteApp } from '../support/harness.ts';

// A collector that takes 2 s to answer each export, and an export queue of 4 spans: the request
// is answered as usual, and the spans that found the queue full are dropped and counted in /metrics.
const EXPORT_SUCCESS = 0;
const slowCollector: SpanExporter = {
  // The probe tracing starts with (an empty export) is answered at once.
  export: (spans, done) => void setTimeout(() => done({ code: EXPORT_SUCCESS }), spans.length === 0 ? 0 : 2_000),
  shutdown: async () => {},
};
const { t } = tracedSuiteApp({ exporter: slowCollector, env: { OTEL_BSP_MAX_QUEUE_SIZE: '4' } });

it('drops what the bounded export queue cannot hold and counts it in /metrics, without holding the request', async () => {
  for (let i = 0; i < 3; i++) {
    const response = await t.gql('{ accounts(first: 5) { nodes { id users(first: 2) { nodes { id } } } } }');
    expect(response.errors).toBeUndefined();
  }
  const metrics = (await t.server.app.inject({ method: 'GET', url: '/metrics' })).body;
  const dropped = Number(/otel_spans_dropped_total\{reason="queue_full"\} (\d+)/.exec(metrics)?.[1]);
  expect(dropped).toBeGreaterThan(0);
  expect(metrics).toContain('otel_spans_dropped_total{reason="export_failed"} 0');
});
