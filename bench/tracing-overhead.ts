import type { BenchOptions } from './args.ts';
import { type ServerOptions, ServerProcess } from './ipc.ts';
import type { Progress } from './progress.ts';
import { QUERIES, type QueryContext, QueryRunner } from './queries.ts';
import type { TracingOverhead } from './result.ts';

/**
 * What tracing costs the queries (`--tracing-overhead`, issue 26's target): a second server on the
 * run's database, traced as `npm start` is when the OTEL_* variables are set, exporting to a port
 * nothing listens on. Each query is measured in rounds on the untraced server and on the traced one,
 * the order alternating, so a drift of the machine falls on both alike. Separate runs of the whole
 * bench with and without tracing differ by more than the overhead (ingestion before the queries
 * leaves the database in another state each time).
 */

/** A collector that is not there: every export fails at once (connection refused). */
export const UNREACHABLE_COLLECTOR = 'http://127.0.0.1:1';
const ROUNDS = 4;
const WARM_UP_RUNS = 20;

export async function measureTracingOverhead(
  untraced: { server: ServerProcess; runner: QueryRunner; serverOptions: ServerOptions },
  options: BenchOptions,
  progress: Progress,
  ctx: QueryContext,
): Promise<TracingOverhead> {
  const { restKey, graphqlKey, warmupKey, restWorkspaceId } = untraced.server.ready;
  const server = await ServerProcess.start({ ...untraced.serverOptions, attach: { restKey, graphqlKey, warmupKey, restWorkspaceId } }, [], {
    OTEL_EXPORTER_OTLP_ENDPOINT: UNREACHABLE_COLLECTOR,
    OTEL_SERVICE_NAME: 'bench-traced',
  });
  try {
    if (!server.ready.tracing) throw new Error('the second server did not start tracing');
    const traced = new QueryRunner(server, options, progress);
    // The untraced server has served the whole run; the traced one starts cold (JIT, pools, caches).
    for (const def of QUERIES) for (let i = 0; i < WARM_UP_RUNS; i++) await traced.send(def.build(ctx, i));
    const queries: TracingOverhead['queries'] = [];
    for (const def of QUERIES) {
      const off: number[] = [];
      const on: number[] = [];
      let error: string | null = null;
      for (let round = 0; round < ROUNDS && error === null; round++) {
        const order = [
          { runner: untraced.runner, into: off, label: 'tracing off' },
          { runner: traced, into: on, label: 'tracing on' },
        ];
        if (round % 2 === 1) order.reverse();
        for (const { runner, into, label } of order) {
          const result = await runner.measure(def, ctx, label);
          if (result.error !== null) error = result.error;
          else into.push(result.latency.p50);
        }
      }
      queries.push({ id: def.id, label: def.label, off, on, error });
    }
    return { endpoint: UNREACHABLE_COLLECTOR, rounds: ROUNDS, queries };
  } finally {
    await server.stop();
  }
}
