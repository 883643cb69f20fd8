import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/client.ts';
import { droppedSpans, skippedTraces } from '../db/spans.ts';
import { requestOf } from './request.ts';

/**
 * Metric labels spell an object in lower case (`Lowercase<ObjectKind>`). Spelled out here because
 * shared modules import no domain; the ingest resolvers pass `Lowercase<ObjectKind>`, so the compiler
 * catches an object kind this list lacks.
 */
type IngestObject = 'account' | 'user' | 'event';
export type OperationOutcome = 'success' | 'error' | 'rejected';

/** One Prometheus registry per server instance, so several servers can live in one process (tests). */
export interface Metrics {
  registry: Registry;
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void;
  observeOperation(name: string, type: string, outcome: OperationOutcome, executionSeconds?: number): void;
  recordIngest(object: IngestObject, counts: Record<string, number>, durationSeconds: number): void;
  /** An event call held by backpressure (the workspace's unfolded tail at MAX_UNFOLDED_EVENTS) for `seconds`. */
  observeBackpressure(seconds: number): void;
  /** Key attempts refused, by how the key arrived (`header`, `path`, `option`, `none`) and answer (401 or 429). */
  countKeyRefusals(via: string, outcome: 'unauthenticated' | 'rate_limited', attempts: number): void;
  /** Run a database call and record its latency (and whether it failed). */
  timeDatabase<T>(operation: string, fn: () => Promise<T>): Promise<T>;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BATCH_SIZE_BUCKETS = [1, 10, 50, 100, 250, 500, 1000, 2500, 5000];
// Operation names come from clients: past this many distinct names they are folded into `other`,
// so a client cannot grow the registry without bound.
const MAX_OPERATION_NAMES = 200;
const PING_TIMEOUT_MS = 2_000;

export function createMetrics(database: Database): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const observed = declareMetrics(registers);
  const timeDatabase = databaseTimer(observed.dbDuration);
  declareScrapeTimeMetrics(registers, database, timeDatabase);
  const boundedName = boundedNames(MAX_OPERATION_NAMES);

  return {
    registry,
    observeRequest(method, route, statusCode, seconds) {
      observed.httpRequests.inc({ method, route, status_code: String(statusCode) });
      observed.httpDuration.observe({ method, route }, seconds);
    },
    observeOperation(name, type, outcome, executionSeconds) {
      observed.operations.inc({ operation: boundedName(name), type, outcome });
      if (executionSeconds !== undefined) observed.execution.observe({ type }, executionSeconds);
    },
    observeBackpressure(seconds) {
      observed.backpressure.observe(seconds);
    },
    recordIngest(object, counts, durationSeconds) {
      let total = 0;
      for (const [status, n] of Object.entries(counts)) {
        if (!n) continue;
        observed.ingestRecords.inc({ object, status: statusLabel(status) }, n);
        total += n;
      }
      observed.ingestDuration.observe({ object }, durationSeconds);
      observed.ingestSize.observe({ object }, total);
    },
    countKeyRefusals(via, outcome, attempts) {
      observed.keyRefusals.inc({ via, outcome }, attempts);
    },
    timeDatabase,
  };
}

/** The metrics this service observes as requests and calls happen. */
function declareMetrics(registers: Registry[]) {
  const httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route template and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers,
  });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method and route template.',
    labelNames: ['method', 'route'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const operations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL operations by operation name, type and outcome (success, error = errors in the response, rejected = never executed).',
    labelNames: ['operation', 'type', 'outcome'] as const,
    registers,
  });
  const execution = new Histogram({
    name: 'graphql_execution_duration_seconds',
    help: 'Time spent executing GraphQL operations (resolvers and their database work), by operation type.',
    labelNames: ['type'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const ingestRecords = new Counter({
    name: 'ingest_records_total',
    help: 'Ingested records by object and per-record status.',
    labelNames: ['object', 'status'] as const,
    registers,
  });
  const ingestDuration = new Histogram({
    name: 'ingest_batch_duration_seconds',
    help: 'Latency of one ingestion call (one batch), by object.',
    labelNames: ['object'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const ingestSize = new Histogram({
    name: 'ingest_batch_records',
    help: 'Records per ingestion call, by object.',
    labelNames: ['object'] as const,
    buckets: BATCH_SIZE_BUCKETS,
    registers,
  });
  const backpressure = new Histogram({
    name: 'ingest_backpressure_seconds',
    help: 'Event calls held before their answer because their workspace had MAX_UNFOLDED_EVENTS events waiting to be folded, and for how long (_count: calls held).',
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const keyRefusals = new Counter({
    name: 'api_key_refusals_total',
    help: 'Key attempts refused on every path, by how the key arrived (header, path, option, none) and outcome (unauthenticated = 401, rate_limited = 429). One JSON-RPC call is one attempt.',
    labelNames: ['via', 'outcome'] as const,
    registers,
  });
  const dbDuration = new Histogram({
    name: 'db_operation_duration_seconds',
    help: 'Latency of timed database calls (readiness and scrape-time pings), by operation and result.',
    labelNames: ['operation', 'result'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  return {
    httpRequests,
    httpDuration,
    operations,
    execution,
    ingestRecords,
    ingestDuration,
    ingestSize,
    backpressure,
    keyRefusals,
    dbDuration,
  };
}

/** Time a database call in `db_operation_duration_seconds`, labelled ok or error. */
function databaseTimer(dbDuration: Histogram<'operation' | 'result'>): Metrics['timeDatabase'] {
  return async (operation, fn) => {
    const end = dbDuration.startTimer({ operation });
    try {
      const result = await fn();
      end({ result: 'ok' });
      return result;
    } catch (error) {
      end({ result: 'error' });
      throw error;
    }
  };
}

/**
 * The metrics read when /metrics is scraped: spans dropped by the tracer, statements sent by this
 * instance (both as counters of what happened since the last scrape), and a database ping.
 */
function declareScrapeTimeMetrics(registers: Registry[], database: Database, timeDatabase: Metrics['timeDatabase']): void {
  const spansDroppedSeen = { queue_full: 0, export_failed: 0 };
  new Counter({
    name: 'otel_spans_dropped_total',
    help: 'Trace spans dropped instead of exported (tracing on): the bounded export queue was full, or the collector refused or could not be reached.',
    labelNames: ['reason'] as const,
    registers,
    collect() {
      for (const reason of ['queue_full', 'export_failed'] as const) {
        this.inc({ reason }, Math.max(0, droppedSpans[reason] - spansDroppedSeen[reason]));
        spansDroppedSeen[reason] = droppedSpans[reason];
      }
    },
  });

  let skippedSeen = 0;
  new Counter({
    name: 'otel_traces_skipped_total',
    help: 'Requests not traced (tracing on) because the last export to the collector had failed; traced again after a pause of 5 s, doubling up to 5 min, and for good once an export succeeds.',
    registers,
    collect() {
      this.inc(Math.max(0, skippedTraces.collector_down - skippedSeen));
      skippedSeen = skippedTraces.collector_down;
    },
  });

  let statementsSeen = 0;
  new Counter({
    name: 'db_statements_total',
    help: 'SQL statements sent to the database by this instance.',
    registers,
    collect() {
      const now = database.stats.statements;
      this.inc(Math.max(0, now - statementsSeen));
      statementsSeen = now;
    },
  });
  new Gauge({
    name: 'db_up',
    help: 'Whether the database answered a ping at scrape time (1) or not (0).',
    labelNames: ['driver'] as const,
    registers,
    async collect() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('ping timed out')), PING_TIMEOUT_MS);
      });
      try {
        await timeDatabase('ping', () => Promise.race([database.ping(), timeout]));
        this.set({ driver: database.kind }, 1);
      } catch {
        this.set({ driver: database.kind }, 0);
      } finally {
        clearTimeout(timer);
      }
    },
  });
}

/** Client-chosen names, kept as they are up to `max` distinct ones, then `other`. */
function boundedNames(max: number): (name: string) => string {
  const seen = new Set<string>();
  return (name) => {
    if (seen.has(name)) return name;
    if (seen.size >= max) return 'other';
    seen.add(name);
    return name;
  };
}

/** `notFound` / `NOT_FOUND` / `not_found` all become `not_found`. */
function statusLabel(status: string): string {
  return status
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
}

/**
 * Called by the ingestion resolvers after each ingestion call: counts the records in the serving
 * instance's metrics and adds them to the request's log line.
 *
 *   recordIngest(ctx, 'account', { created: 3, updated: 1, rejected: 2 }, seconds)
 *
 * A context built without an HTTP request (unit tests, internal jobs) records nothing.
 */
export function recordIngest(ctx: object, object: IngestObject, counts: Record<string, number>, durationSeconds: number): void {
  const request = requestOf(ctx);
  if (!request) return;
  request.server.metrics?.recordIngest(object, counts, durationSeconds);
  const records = request.logFields.records ?? {};
  const forObject = records[object] ?? {};
  for (const [status, n] of Object.entries(counts)) {
    if (n) forObject[statusLabel(status)] = (forObject[statusLabel(status)] ?? 0) + n;
  }
  records[object] = forObject;
  request.logFields.records = records;
}
