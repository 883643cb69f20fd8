import type { BenchResult, QueryResult, Target } from './result.ts';

/** The product's performance targets, checked against a run (reported, never asserted). Pure. */

const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;

function finalQuery(result: Pick<BenchResult, 'queries'>, id: string): QueryResult | undefined {
  return result.queries.at(-1)?.queries.find((q) => q.id === id && q.error === null);
}

export function evaluateTargets(result: Omit<BenchResult, 'targets'>): Target[] {
  const targets: Target[] = [];
  const large = result.options.preset === 'large';
  const scaleNote = large ? '' : 'target is for --large; this run is smaller';

  const events = result.ingest.find((i) => i.object === 'event');
  const eventRatio = events?.ratio.rest ?? null;
  targets.push({
    name: 'Event ingest via REST ÷ raw limit',
    goal: '≥ 0.70 on PostgreSQL',
    measured: eventRatio === null ? 'not measured' : eventRatio.toFixed(2),
    met: eventRatio === null || result.backend !== 'postgres' ? null : eventRatio >= 0.7,
    note: result.backend === 'postgres' ? '' : 'target is for PostgreSQL',
  });
  for (const object of ['account', 'user'] as const) {
    const ratio = result.ingest.find((i) => i.object === object)?.ratio.rest ?? null;
    targets.push({
      name: `${object === 'account' ? 'Account' : 'User'} upserts via REST ÷ raw upsert`,
      goal: 'report',
      measured: ratio === null ? 'not measured' : ratio.toFixed(2),
      met: null,
      note: '',
    });
  }

  const series = finalQuery(result, 'series');
  targets.push({
    name: 'One account, 90-day series, p50',
    goal: '≤ 10 ms on --large',
    measured: series ? ms(series.latency.p50) : 'not measured',
    met: series && large ? series.latency.p50 <= 10 : null,
    note: series && !large ? `${scaleNote} (${series.latency.p50 <= 10 ? 'within' : 'over'} the bound here)` : '',
  });
  const top = finalQuery(result, 'top50');
  targets.push({
    name: 'Top 50 accounts by 30-day count, p50',
    goal: '≤ 100 ms on --large',
    measured: top ? ms(top.latency.p50) : 'not measured',
    met: top && large ? top.latency.p50 <= 100 : null,
    note: top && !large ? `${scaleNote} (${top.latency.p50 <= 100 ? 'within' : 'over'} the bound here)` : '',
  });
  const nested = finalQuery(result, 'nested');
  targets.push({
    name: 'Nested page (50 accounts × 20 users, metric each), p50',
    goal: '≤ 50 ms',
    measured: nested ? ms(nested.latency.p50) : 'not measured',
    met: nested ? nested.latency.p50 <= 50 : null,
    note: '',
  });
  const counts = result.nestedStatements;
  const constant = counts.length >= 2 && counts.every((c) => c.statements === counts[0]?.statements);
  targets.push({
    name: 'Nested page statements independent of page size',
    goal: 'same count at every page size',
    measured: counts.length > 0 ? counts.map((c) => `${c.statements} at first: ${c.first}`).join(', ') : 'not measured',
    met: counts.length >= 2 ? constant : null,
    note: '',
  });
  const growth = result.rss.eventIngestGrowth;
  targets.push({
    name: 'Server RSS flat during sustained ingest',
    goal: 'last quarter within 15% of the second quarter',
    measured: growth === null || Number.isNaN(growth) ? 'not measured' : `${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}%`,
    met: growth === null || Number.isNaN(growth) ? null : growth <= 0.15,
    note:
      result.backend === 'pglite' && result.options.pglite === 'memory'
        ? 'in-memory PGlite: the data itself lives in the server process'
        : '',
  });
  return targets;
}
