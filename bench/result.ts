import type { Mode } from './args.ts';
import type { BenchObject } from './records.ts';
import type { Summary } from './stats.ts';

/** The shape of a run's results: written as JSON, rendered as Markdown and SVG. */

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
}

export interface IngestObjectResult {
  object: BenchObject;
  paths: IngestPathResult[];
  /** Path throughput ÷ raw-limit throughput (null when either was not measured). */
  ratio: Partial<Record<Exclude<Mode, 'raw'>, number | null>>;
  /** Highest server RSS sampled while this object was being ingested, MB. */
  peakRssMb: number | null;
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
  };
  ingest: IngestObjectResult[];
  queries: QueryStage[];
  /** Statement counts of the nested page at two page sizes: equal when the page is batched. */
  nestedStatements: Array<{ first: number; statements: number }>;
  rss: { samples: RssSample[]; phases: Phase[]; eventIngestGrowth: number | null };
  targets: Target[];
}
