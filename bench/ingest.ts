import { loadConfig } from '../src/config.ts';
import type { BenchOptions, Mode } from './args.ts';
import { type AccountRecord, batches, type EventRecord, type UserRecord } from './generator.ts';
import { type GraphQLBody, graphQLError, postJson } from './http.ts';
import type { ServerProcess } from './ipc.ts';
import type { Progress } from './progress.ts';
import { type BenchObject, toGraphQLInput } from './records.ts';
import type { FoldResult, IngestObjectResult, IngestPathResult } from './result.ts';
import { rate, summarize } from './stats.ts';

/**
 * Ingestion, three ways over the same batches, interleaved round by round so that machine drift
 * (other processes, caches, autovacuum) hits every path alike: each round takes `concurrency`
 * batches and sends them through each path in turn (the order rotates every round):
 *   rest    — POST /hightouch/v1/objects/{object}/{upsert|insert} {"records": [...]} (snake_case),
 *   graphql — POST /graphql upsertAccounts / upsertUsers / trackEvents (camelCase inputs),
 *   raw     — one plain statement per batch on the server's database (the limit).
 * REST and GraphQL write to two different workspaces; raw writes to scratch tables.
 */

type FlatRecord = AccountRecord | UserRecord | EventRecord;

const PAYLOAD =
  'received created updated unchanged duplicate deleted notFound rejected results { index id status errors { field code message } }';
const MUTATION: Record<BenchObject, string> = {
  account: `mutation Bench($records: [AccountInput]!) { payload: upsertAccounts(input: { records: $records }) { ${PAYLOAD} } }`,
  user: `mutation Bench($records: [UserInput]!) { payload: upsertUsers(input: { records: $records }) { ${PAYLOAD} } }`,
  event: `mutation Bench($records: [EventInput]!) { payload: trackEvents(input: { records: $records }) { ${PAYLOAD} } }`,
};
const REST_MODE: Record<BenchObject, string> = { account: 'upsert', user: 'upsert', event: 'insert' };

interface Outcome {
  rejected: number;
  firstError: string | null;
}

interface RestBody {
  summary?: { rejected: number };
  results?: Array<{ index: number; status: string; errors: Array<{ field: string | null; code: string; message: string }> }>;
  error?: { code: string; message: string };
}

interface Payload {
  payload?: {
    rejected: number;
    results: Array<{ status: string; errors: Array<{ field: string | null; code: string; message: string }> }>;
  };
}

function firstRecordError(
  results: ReadonlyArray<{ status: string; errors: Array<{ field: string | null; code: string; message: string }> }> | undefined,
) {
  const bad = results?.find((r) => r.errors.length > 0);
  const error = bad?.errors[0];
  return error ? `${error.code} ${error.field ?? ''}: ${error.message}` : null;
}

class PathStats {
  records = 0;
  batches = 0;
  wallMs = 0;
  cpuMs = 0;
  rejected = 0;
  firstError: string | null = null;
  readonly latencies: number[] = [];
  /** Rounds in which no call was held by backpressure (events through the API); null: not tracked. */
  readonly unheld: { records: number; wallMs: number } | null;

  constructor(
    readonly mode: Mode,
    trackHeld: boolean,
  ) {
    this.unheld = trackHeld && mode !== 'raw' ? { records: 0, wallMs: 0 } : null;
  }

  add(records: number, wallMs: number, latencies: readonly number[], outcomes: readonly Outcome[], held = false): void {
    this.records += records;
    this.batches += latencies.length;
    this.wallMs += wallMs;
    if (this.unheld && !held) {
      this.unheld.records += records;
      this.unheld.wallMs += wallMs;
    }
    this.latencies.push(...latencies);
    for (const outcome of outcomes) {
      this.rejected += outcome.rejected;
      this.firstError ??= outcome.firstError;
    }
  }

  result(): IngestPathResult {
    return {
      mode: this.mode,
      records: this.records,
      batches: this.batches,
      wallMs: this.wallMs,
      recordsPerSecond: rate(this.records, this.wallMs),
      latency: summarize(this.latencies),
      serverCpuMs: this.cpuMs,
      rejected: this.rejected,
      firstError: this.firstError,
      unheld: this.unheld && { ...this.unheld, recordsPerSecond: rate(this.unheld.records, this.unheld.wallMs) },
    };
  }
}

export interface RoundInfo {
  /** Records of this object loaded so far (per path). */
  loaded: number;
  lastRecord: FlatRecord | undefined;
}

export interface IngestRun {
  server: ServerProcess;
  options: BenchOptions;
  progress: Progress;
  /** Untimed warm-up: every path writes to the warm-up workspace (raw: its own workspace id). */
  warmup?: boolean;
}

/** The server's backpressure bound (the bench server reads MAX_UNFOLDED_EVENTS the same way). */
const BACKPRESSURE_BOUND = loadConfig(process.env.MAX_UNFOLDED_EVENTS ? { MAX_UNFOLDED_EVENTS: process.env.MAX_UNFOLDED_EVENTS } : {})
  .limits.maxUnfoldedEvents;

const RAW_WORKSPACE = { measured: 'bench-raw', warmup: 'bench-warmup' };

async function sendHttp(run: IngestRun, object: BenchObject, mode: 'rest' | 'graphql', round: FlatRecord[][]) {
  const { server } = run;
  const url = mode === 'rest' ? `${server.url}/hightouch/v1/objects/${object}/${REST_MODE[object]}` : `${server.url}/graphql`;
  const key = run.warmup ? server.ready.warmupKey : mode === 'rest' ? server.ready.restKey : server.ready.graphqlKey;
  const bodies = round.map((batch) =>
    mode === 'rest'
      ? JSON.stringify({ records: batch })
      : JSON.stringify({ query: MUTATION[object], variables: { records: batch.map((r) => toGraphQLInput(object, r)) } }),
  );
  const started = performance.now();
  const responses = await Promise.all(bodies.map((body) => postJson<RestBody & GraphQLBody<Payload>>(url, key, body)));
  const wallMs = performance.now() - started;
  const outcomes = responses.map((response): Outcome => {
    if (mode === 'rest') {
      if (response.status !== 200 || !response.body.summary) {
        throw new Error(`REST ${object} ingest failed: HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
      }
      return { rejected: response.body.summary.rejected, firstError: firstRecordError(response.body.results) };
    }
    const error = graphQLError(response.body, response.status);
    const payload = response.body.data?.payload;
    if (error || !payload) throw new Error(`GraphQL ${object} ingest failed: ${error ?? 'no payload'}`);
    return { rejected: payload.rejected, firstError: firstRecordError(payload.results) };
  });
  return { wallMs, latencies: responses.map((r) => r.ms), outcomes };
}

/** Ingest every record of `source` through each configured path. `onRound` runs between rounds (growth checkpoints). */
export async function ingestObject(
  run: IngestRun,
  object: BenchObject,
  source: Iterable<FlatRecord>,
  total: number,
  onRound?: (info: RoundInfo) => Promise<void>,
): Promise<Omit<IngestObjectResult, 'peakRssMb'> & { observedRssMb: number }> {
  const { options, server, progress } = run;
  const measureFold = object === 'event' && !run.warmup && options.modes.some((mode) => mode !== 'raw');
  const paths = new Map(options.modes.map((mode) => [mode, new PathStats(mode, measureFold)]));
  const chunks = batches(source, options.batchSize);
  let loaded = 0;
  let roundIndex = 0;
  let observedRssMb = 0;
  const started = performance.now();
  let pausedMs = 0;
  const tail = { largest: 0, roundsAtBound: 0 };
  progress.start(`${run.warmup ? 'warm-up ' : ''}${object}s`, total);
  for (;;) {
    const round: FlatRecord[][] = [];
    for (let i = 0; i < options.concurrency; i++) {
      const next = chunks.next();
      if (next.done) break;
      round.push(next.value);
    }
    if (round.length === 0) break;
    const records = round.reduce((n, b) => n + b.length, 0);
    const shift = roundIndex % options.modes.length;
    const order = [...options.modes.slice(shift), ...options.modes.slice(0, shift)];
    for (const mode of order) {
      const stats = paths.get(mode) as PathStats;
      const before = await server.request({ type: 'stats' });
      if (mode === 'raw') {
        const workspaceId = run.warmup ? RAW_WORKSPACE.warmup : RAW_WORKSPACE.measured;
        const done = await server.request({ type: 'raw', object, workspaceId, batches: round });
        stats.add(records, done.wallMs, done.latencies, []);
      } else {
        const done = await sendHttp(run, object, mode, round);
        const held = (await server.request({ type: 'stats' })).heldCalls > before.heldCalls;
        stats.add(records, done.wallMs, done.latencies, done.outcomes, held);
      }
      const after = await server.request({ type: 'stats' });
      stats.cpuMs += after.cpuMs - before.cpuMs;
      observedRssMb = Math.max(observedRssMb, after.rssMb);
      if (measureFold) {
        const { events } = await server.request({ type: 'unfolded' });
        tail.largest = Math.max(tail.largest, events);
        if (events >= BACKPRESSURE_BOUND) tail.roundsAtBound++;
      }
    }
    loaded += records;
    roundIndex++;
    const elapsed = (performance.now() - started - pausedMs) / 1000;
    progress.update(loaded, `${Math.round(loaded / elapsed).toLocaleString('en-US')} records/s through all paths`);
    if (onRound) {
      const paused = performance.now();
      await onRound({ loaded, lastRecord: round.at(-1)?.at(-1) });
      pausedMs += performance.now() - paused;
    }
  }
  progress.finish();
  const drainMs = measureFold ? await drain(server) : 0;
  const results = [...paths.values()].map((p) => p.result());
  const raw = results.find((r) => r.mode === 'raw');
  const ratio: IngestObjectResult['ratio'] = {};
  const unheldRatio: IngestObjectResult['ratio'] = {};
  const ofRaw = (perSecond: number | undefined) =>
    raw && raw.recordsPerSecond > 0 && perSecond !== undefined ? perSecond / raw.recordsPerSecond : null;
  for (const r of results) {
    if (r.mode === 'raw') continue;
    ratio[r.mode] = ofRaw(r.recordsPerSecond);
    if (r.unheld) unheldRatio[r.mode] = r.unheld.records > 0 ? ofRaw(r.unheld.recordsPerSecond) : null;
  }
  const fold = measureFold ? foldResult(results, tail, drainMs) : null;
  return { object, paths: results, ratio, ...(measureFold ? { unheldRatio } : {}), observedRssMb, fold };
}

/** Events sent at a steady rate while something else is measured (`readsDuringIngestion`). */
export interface PacedIngest {
  records: number;
  /** From the first call to the last answer, ms. */
  wallMs: number;
  perSecond: number;
  latency: ReturnType<typeof summarize>;
}

/**
 * REST event calls of `batchSize` at `perSecond` events/s (one call in flight; a late answer delays
 * the next call, never doubles it up) until `stop` resolves; then waits for the tail to be folded.
 */
export async function ingestAtRate(
  run: IngestRun,
  source: Iterator<EventRecord>,
  perSecond: number,
  stop: Promise<void>,
): Promise<PacedIngest> {
  let stopped = false;
  void stop.then(() => {
    stopped = true;
  });
  const latencies: number[] = [];
  let records = 0;
  const started = performance.now();
  while (!stopped) {
    const batch: EventRecord[] = [];
    for (let next = source.next(); !next.done; next = source.next()) {
      batch.push(next.value);
      if (batch.length === run.options.batchSize) break;
    }
    if (batch.length === 0) break;
    const done = await sendHttp(run, 'event', 'rest', [batch]);
    latencies.push(...done.latencies);
    records += batch.length;
    const due = started + (records / perSecond) * 1000;
    await Promise.race([stop, new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())))]);
  }
  const wallMs = performance.now() - started;
  await drain(run.server);
  return { records, wallMs, perSecond: rate(records, wallMs), latency: summarize(latencies) };
}

/** Wait until nothing acknowledged is left to fold; how long that took, ms. */
async function drain(server: ServerProcess): Promise<number> {
  const started = performance.now();
  while ((await server.request({ type: 'unfolded' })).events > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  return performance.now() - started;
}

function foldResult(results: readonly IngestPathResult[], tail: { largest: number; roundsAtBound: number }, drainMs: number): FoldResult {
  const api = results.filter((r) => r.mode !== 'raw');
  const records = api.reduce((n, r) => n + r.records, 0);
  const sustainedPerSecond = rate(records, api.reduce((ms, r) => ms + r.wallMs, 0) + drainMs);
  const raw = results.find((r) => r.mode === 'raw');
  return {
    largestTail: tail.largest,
    roundsAtBound: tail.roundsAtBound,
    drainMs,
    sustainedPerSecond,
    sustainedRatio: raw && raw.recordsPerSecond > 0 ? sustainedPerSecond / raw.recordsPerSecond : null,
  };
}
