import type { Mode } from './args.ts';
import type { BenchObject } from './records.ts';
import type { Summary } from './stats.ts';

/**
 * The shape of a run's results. `BenchResult` is everything measured (every RSS sample, each
 * query's SQL and plans): written only on request (`--raw-out FILE`). `BenchSummary` is what a
 * reader or a check needs: written to `bench/results/*.json` (the committed files) and rendered as
 * Markdown and SVG.
 */

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  /** NODE_ENV of the benchmarked server (`npm run bench` sets production: graphql-js skips its development checks). */
  nodeEnv: string;
  /** `PostgreSQL 15.20 …` or `PGlite 0.5.17 (PostgreSQL 17.x)`. */
  database: string;
  /** 1-minute load average when the run started: other work on the machine skews every figure. */
  loadAverage: number;
}

export interface IngestPathResult {
  mode: Mode;
  records: number;
  batches: number;
  /** Sum of the wall times of this path's rounds (each round: `concurrency` batches in flight). */
  wallMs: number;
  recordsPerSecond: number;
  /** Per-batch latency, ms: the HTTP call (REST, GraphQL) or the statement (raw). */
  latency: Summary;
  /** CPU time of the server process during this path's rounds (HTTP, GraphQL, validation, drivers). */
  serverCpuMs: number;
  rejected: number;
  firstError: string | null;
  /**
   * The rounds of this path in which no call was held by backpressure (REST and GraphQL events):
   * their records and records/s. Null for accounts, users and the raw insert.
   */
  unheld?: { records: number; wallMs: number; recordsPerSecond: number } | null;
}

export interface IngestObjectResult {
  object: BenchObject;
  paths: IngestPathResult[];
  /** Path throughput ÷ raw-limit throughput (null when either was not measured). */
  ratio: Partial<Record<Exclude<Mode, 'raw'>, number | null>>;
  /** Events: the same over the rounds in which no call of the path was held by backpressure. */
  unheldRatio?: Partial<Record<Exclude<Mode, 'raw'>, number | null>>;
  /** Highest server RSS sampled while this object was being ingested, MB. */
  peakRssMb: number | null;
  /** Events only: what the fold did behind the acknowledgements (null for accounts and users). */
  fold?: FoldResult | null;
}

/**
 * The fold behind the event acknowledgements of the REST and GraphQL paths. Their `recordsPerSecond`
 * is acknowledged throughput (a call answers once its events are stored and queued, or folded when
 * the workspace's tail reached MAX_UNFOLDED_EVENTS); sustained throughput counts until the last
 * acknowledged event is folded.
 */
export interface FoldResult {
  /** Largest number of acknowledged, unfolded events, sampled after every path's round. */
  largestTail: number;
  /** Rounds after which the tail was at the backpressure bound or above. */
  roundsAtBound: number;
  /** From the last acknowledgement until nothing was left to fold, ms. */
  drainMs: number;
  /** (REST + GraphQL events) ÷ (their rounds' wall time + drain), events/s. */
  sustainedPerSecond: number;
  /** sustainedPerSecond ÷ the raw insert's events/s. */
  sustainedRatio: number | null;
}

export interface QueryResult {
  id: string;
  label: string;
  /** Round trip of the HTTP call, ms. */
  latency: Summary;
  /** SQL statements per request (median over runs), including the API-key lookup. */
  statements: number;
  /** Distinct table accesses of the statements (EXPLAIN), e.g. `Index Scan metric_daily_account_idx`. */
  plan: string;
  seqScans: string[];
  /** Sum of the statements' EXPLAIN ANALYZE execution times, ms (database time of one request). */
  databaseMs: number | null;
  /** Each explained statement (SQL whitespace-collapsed), for whoever tunes it. */
  sql: Array<{ sql: string; scans: string[]; executionMs: number | null }>;
  error: string | null;
}

export interface QueryStage {
  index: number;
  /** Events loaded when this stage was measured (per workspace). */
  events: number;
  /** Days of history loaded (first to last event). */
  historyDays: number;
  /** End of the loaded history: query windows end here. */
  anchor: string;
  queries: QueryResult[];
}

/**
 * The query set measured again while REST event calls arrive at half the sustained rate measured
 * before (every read folds the tail it finds first): what a frontend sees during a sync.
 */
export interface DuringIngestion<Q = QueryResult> {
  /** Events/s asked for: half the run's sustained rate. */
  targetPerSecond: number;
  /** Events/s sent (one call in flight; slower when a call took longer than its share). */
  sentPerSecond: number;
  records: number;
  /** Latency of those REST calls, ms. */
  ackLatency: Summary;
  queries: Q[];
}

/**
 * What tracing costs a query: the query set measured in rounds alternating between the run's server
 * (untraced) and a second server on the same database whose traces go to a collector that is not
 * there. Per query, each round's p50 on both.
 */
export interface TracingOverhead {
  /** Where the traced server exports (nothing listens there). */
  endpoint: string;
  rounds: number;
  queries: Array<{ id: string; label: string; off: number[]; on: number[]; error: string | null }>;
}

/** A query's p50 with tracing ÷ without, over the rounds (null when it failed or was not measured). */
export function tracingRatio(query: TracingOverhead['queries'][number]): number | null {
  const sum = (list: number[]) => list.reduce((a, b) => a + b, 0);
  return query.error === null && query.off.length > 0 && query.off.length === query.on.length ? sum(query.on) / sum(query.off) : null;
}

export interface RssSample {
  /** ms since the run started. */
  t: number;
  rssMb: number;
  heapMb: number;
}

export interface Phase {
  name: string;
  startMs: number;
  endMs: number;
}

export interface Target {
  name: string;
  goal: string;
  measured: string;
  /** null: not measured in this run, or the target is for another backend or scale. */
  met: boolean | null;
  note: string;
}

export interface BenchResult {
  version: 1;
  startedAt: string;
  /** Git commit the run measured, `…-dirty` when the work tree had uncommitted changes; null outside a checkout. */
  commit: string | null;
  durationSeconds: number;
  backend: 'postgres' | 'pglite';
  machine: Machine;
  options: {
    preset: string;
    accounts: number;
    users: number;
    events: number;
    days: number;
    seed: number;
    now: string;
    batchSize: number;
    concurrency: number;
    modes: Mode[];
    steps: number;
    pglite: string | null;
    /** The server exported traces (OTEL_EXPORTER_OTLP_ENDPOINT set); absent in runs from before it was recorded. */
    tracing?: boolean;
  };
  ingest: IngestObjectResult[];
  queries: QueryStage[];
  /** Statement counts of the nested page at two page sizes: equal when the page is batched. */
  nestedStatements: Array<{ first: number; statements: number }>;
  /** Null when the run measured no sustained event rate (no REST or GraphQL path). */
  duringIngestion: DuringIngestion | null;
  /** Null unless the run was asked for it (`--tracing-overhead`); absent in runs from before it existed. */
  tracingOverhead?: TracingOverhead | null;
  rss: { samples: RssSample[]; phases: Phase[]; eventIngestGrowth: number | null };
  targets: Target[];
}

/** A query as committed: latency, statements and database time, without the SQL and its plans. */
export type QuerySummary = Omit<QueryResult, 'plan' | 'seqScans' | 'sql'>;

export interface QueryStageSummary extends Omit<QueryStage, 'queries'> {
  queries: QuerySummary[];
}

/** The committed result (format 2): a run without its samples and plans. */
export interface BenchSummary extends Omit<BenchResult, 'version' | 'queries' | 'duringIngestion' | 'rss'> {
  version: 2;
  queries: QueryStageSummary[];
  duringIngestion: DuringIngestion<QuerySummary> | null;
  /** Memory growth during event ingestion; the samples it is computed from stay in the raw result. */
  rss: { eventIngestGrowth: number | null };
}

/** The summary of a run. Pure; any field a later phase adds to `BenchResult` passes through. */
export function summarizeRun(result: BenchResult): BenchSummary {
  const { version: _version, queries, duringIngestion, rss, ...rest } = result;
  const summarize = (list: QueryResult[]): QuerySummary[] => list.map(({ plan: _plan, seqScans: _seqScans, sql: _sql, ...query }) => query);
  return {
    version: 2,
    ...rest,
    queries: queries.map((stage) => ({ ...stage, queries: summarize(stage.queries) })),
    duringIngestion: duringIngestion && { ...duringIngestion, queries: summarize(duringIngestion.queries) },
    rss: { eventIngestGrowth: rss.eventIngestGrowth },
  };
}
