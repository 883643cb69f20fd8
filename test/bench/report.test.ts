import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { escapeXml, niceStep, renderChart } from '../../bench/chart.ts';
import { renderMarkdown, table } from '../../bench/report.ts';
import { type BenchResult, type BenchSummary, type IngestPathResult, type QueryResult, summarizeRun } from '../../bench/result.ts';
import { summarize } from '../../bench/stats.ts';
import { evaluateTargets } from '../../bench/targets.ts';

const path = (mode: IngestPathResult['mode'], recordsPerSecond: number): IngestPathResult => ({
  mode,
  records: 1000,
  batches: 1,
  wallMs: 1000,
  recordsPerSecond,
  latency: summarize([10, 20]),
  serverCpuMs: 100,
  rejected: 0,
  firstError: null,
});

const query = (id: string, ms: number): QueryResult => ({
  id,
  label: `<${id}> & co`,
  latency: summarize([ms, ms * 2]),
  statements: 3,
  plan: 'Index Scan x',
  seqScans: [],
  databaseMs: 1,
  sql: [{ sql: `select * from metric_daily where id = '${id}'`, scans: ['Index Scan x'], executionMs: 1 }],
  error: null,
});

function fixture(): BenchResult {
  const base: Omit<BenchResult, 'targets'> = {
    version: 1,
    startedAt: '2026-03-15T10:00:00.000Z',
    commit: '0123456789ab',
    durationSeconds: 100,
    backend: 'postgres',
    machine: {
      cpuModel: 'CPU',
      cores: 2,
      memoryGb: 8,
      os: 'Linux',
      node: '20',
      nodeEnv: 'production',
      database: 'PostgreSQL 15',
      loadAverage: 0.5,
    },
    options: {
      preset: 'default',
      accounts: 2000,
      users: 20000,
      events: 200000,
      days: 180,
      seed: 1,
      now: '',
      batchSize: 1000,
      concurrency: 4,
      modes: ['rest', 'graphql', 'raw'],
      steps: 2,
      pglite: null,
    },
    ingest: ['account', 'user', 'event'].map((object) => ({
      object: object as 'account',
      paths: [path('rest', 800), path('graphql', 900), path('raw', 1000)].map((p) =>
        object === 'event' && p.mode !== 'raw' ? { ...p, unheld: { records: 600, wallMs: 500, recordsPerSecond: 1200 } } : p,
      ),
      ratio: { rest: 0.8, graphql: 0.9 },
      ...(object === 'event' ? { unheldRatio: { rest: 1.2, graphql: 1.2 } } : {}),
      peakRssMb: 200,
      fold:
        object === 'event'
          ? { largestTail: 12_000, roundsAtBound: 0, drainMs: 2_000, sustainedPerSecond: 420, sustainedRatio: 0.42 }
          : null,
    })),
    queries: [0, 1].map((index) => ({
      index,
      events: (index + 1) * 1000,
      historyDays: 90,
      anchor: '',
      queries: ['series', 'top50', 'nested'].map((id) => query(id, 5 * (index + 1))),
    })),
    nestedStatements: [
      { first: 10, statements: 5 },
      { first: 50, statements: 5 },
    ],
    duringIngestion: {
      targetPerSecond: 210,
      sentPerSecond: 205,
      records: 4000,
      ackLatency: summarize([30, 40]),
      queries: [query('series', 12), query('top50', 20), query('nested', 10)],
    },
    rss: {
      samples: Array.from({ length: 20 }, (_, i) => ({ t: i * 250, rssMb: 100, heapMb: 50 })),
      phases: [{ name: 'events 1', startMs: 0, endMs: 5000 }],
      eventIngestGrowth: 0.01,
    },
  };
  return { ...base, targets: evaluateTargets(base) };
}

describe('summary', () => {
  it('keeps the figures a reader or a check needs and leaves samples and plans out', () => {
    const run = fixture();
    const summary = summarizeRun(run);
    expect(summary.version).toBe(2);
    expect(summary).toMatchObject({ commit: '0123456789ab', machine: run.machine, options: run.options, targets: run.targets });
    expect(summary.ingest).toEqual(run.ingest);
    expect(summary.nestedStatements).toEqual(run.nestedStatements);
    expect(summary.rss).toEqual({ eventIngestGrowth: 0.01 });
    const series = summary.queries[1]?.queries.find((q) => q.id === 'series');
    expect(series).toEqual({
      id: 'series',
      label: '<series> & co',
      latency: summarize([10, 20]),
      statements: 3,
      databaseMs: 1,
      error: null,
    });
    const json = JSON.stringify(summary);
    for (const raw of ['samples', 'phases', '"sql"', '"plan"', 'seqScans', 'metric_daily']) expect(json).not.toContain(raw);
    // The run itself is untouched: it is what --raw-out writes.
    expect(run.rss.samples).toHaveLength(20);
    expect(run.queries[0]?.queries[0]?.sql).toHaveLength(1);
  });

  it('passes through what a later phase adds to the run', () => {
    const run = { ...fixture(), foldLag: { p50: 1.5 } } as BenchResult;
    expect((summarizeRun(run) as BenchSummary & { foldLag?: unknown }).foldLag).toEqual({ p50: 1.5 });
  });

  it('is the format of every committed result', () => {
    const dir = new URL('../../bench/results/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const result = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as BenchSummary;
      expect(result.version, file).toBe(2);
      expect(result.commit, file).toMatch(/^[0-9a-f]{7,40}(-dirty)?$/);
      expect(Object.keys(result.rss), file).toEqual(['eventIngestGrowth']);
      for (const stage of [...result.queries, ...(result.duringIngestion ? [result.duringIngestion] : [])]) {
        for (const q of stage.queries)
          expect(Object.keys(q).sort(), `${file} ${q.id}`).toEqual(['databaseMs', 'error', 'id', 'label', 'latency', 'statements']);
      }
      expect(renderMarkdown(result), file).toContain('### Targets');
    }
  });
});

describe('chart', () => {
  it('is one SVG document with a bar per measurement and escaped text', () => {
    const svg = renderChart(summarizeRun(fixture()));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toMatch(/^<title>npm run bench — PostgreSQL, 2k accounts .*<\/title>$/m);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    // 9 ingestion bars (3 objects × 3 paths) + 6 latency bars (3 queries × 2 sizes), each with a tooltip.
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(15);
    expect(svg).toContain('commit 0123456789ab');
    expect(svg).not.toMatch(/NaN|undefined/);
    expect(escapeXml('<a & "b">')).toBe('&lt;a &amp; &quot;b&quot;&gt;');
    expect((svg.match(/<svg/g) ?? []).length).toBe((svg.match(/<\/svg>/g) ?? []).length);
  });

  it('picks round axis steps', () => {
    expect(niceStep(100)).toBe(50);
    expect(niceStep(43_000)).toBe(20_000);
    expect(niceStep(7)).toBe(2);
    expect(niceStep(0)).toBe(1);
  });
});

describe('markdown', () => {
  it('renders tables for ingestion, queries, growth and targets', () => {
    const md = renderMarkdown(summarizeRun(fixture()));
    for (const heading of ['### Ingestion', '### Queries', '### Growth', '### Queries during ingestion', '### Targets'])
      expect(md).toContain(heading);
    // Idle p50 (the last stage), p50 while 205 events/s arrived, and their ratio.
    expect(md).toContain('| <top50> & co | 15.0 | 30.0 | 2.00× |');
    expect(md).toContain('| events | Hightouch REST adapter | 1,000 | 800 |');
    expect(md).toContain('first: 10 → 5, first: 50 → 5');
    expect(md).toContain(
      'Events acknowledged in the rounds where no call was held by backpressure: Hightouch REST adapter 1,200 events/s over 600 events (1.20 of raw)',
    );
    expect(md).toContain('| <series> & co | 15.0 | 19.5 | 2 | 3 | 1.00 |');
    expect(md).toContain('commit 0123456789ab');
    expect(table(['a', 'b'], [['x|y', '1']], ['l', 'r'])).toBe('| a | b |\n| --- | ---: |\n| x\\|y | 1 |');
  });

  it('checks the targets against the run', () => {
    const targets = fixture().targets;
    // Acknowledged events: over the rounds in which no call was held (1,200/s), not all rounds (800/s).
    expect(targets.find((t) => t.name.startsWith('Acknowledged events'))).toMatchObject({
      measured: '1.20',
      met: true,
      note: '600 of 1,000 events in rounds without a held call; all rounds: 0.80',
    });
    expect(targets.find((t) => t.name.startsWith('Sustained events'))).toMatchObject({ measured: '0.42', met: true });
    // Equal batch latencies in the fixture: 1.00 ≤ 1.5.
    expect(targets.find((t) => t.name.startsWith('p50 of a 1,000-event'))).toMatchObject({ measured: '1.00', met: true });
    expect(targets.find((t) => t.name.includes('independent of page size'))?.met).toBe(true);
    // Latency targets are for --large: not judged on a default-scale run.
    expect(targets.find((t) => t.name.startsWith('One account'))?.met).toBeNull();
    expect(targets.find((t) => t.name.startsWith('Account upserts'))?.met).toBe(true);
    // Every query doubles from the first step to the last in the fixture: over the 1.5× bound.
    const growth = targets.find((t) => t.name.includes('last history step'));
    expect(growth?.met).toBe(false);
    expect(growth?.measured).toBe('worst 2.00× (series)');
    // During ingestion: series 1.2×, top50 2×, nested 1× of their idle p50.
    expect(targets.find((t) => t.name.startsWith('Every query during ingestion'))).toMatchObject({
      measured: 'worst 2.00× (top50)',
      met: false,
      note: '205 events/s sent (half the sustained rate: 210); over: top50 2.00×',
    });
    expect(targets.find((t) => t.name.startsWith('`views` p50'))).toMatchObject({ measured: 'not measured / not measured', met: null });
  });

  it('reports what tracing costs each query, from rounds alternating between an untraced and a traced server', () => {
    const base = fixture();
    const { targets: _targets, ...measured } = base;
    const run: Omit<BenchResult, 'targets'> = {
      ...measured,
      tracingOverhead: {
        endpoint: 'http://127.0.0.1:1',
        rounds: 2,
        queries: [
          { id: 'series', label: 'series', off: [4, 6], on: [4.2, 6.3], error: null },
          { id: 'top50', label: 'top50', off: [10, 10], on: [12, 11], error: null },
          { id: 'nested', label: 'nested', off: [], on: [], error: 'boom' },
        ],
      },
    };
    // On ÷ off over the rounds: series 10.5/10 = 1.05, top50 23/20 = 1.15; the failed query is left out.
    expect(evaluateTargets(run).find((t) => t.name.startsWith('Every query with tracing on'))).toMatchObject({
      goal: '≤ 1.10',
      measured: 'median 1.10×, worst 1.15× (top50)',
      met: false,
      note: '2 alternating rounds per query; over: top50 1.15×',
    });
    const md = renderMarkdown(summarizeRun({ ...run, targets: evaluateTargets(run) }));
    expect(md).toContain('### Tracing overhead (traces exported to http://127.0.0.1:1, where nothing listens)');
    expect(md).toContain('| top50 | 10.0, 10.0 | 12.0, 11.0 | 1.15× |');
    expect(md).toContain('| nested (error: boom) |  |  | – |');
    // A run that did not ask for it has neither the section nor the target.
    expect(renderMarkdown(summarizeRun(base))).not.toContain('Tracing overhead');
    expect(base.targets.some((t) => t.name.includes('tracing'))).toBe(false);
  });
});
