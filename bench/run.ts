import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ArgsError, type BenchOptions, parseArgs, USAGE } from './args.ts';
import { renderChart } from './chart.ts';
import { type BenchDatabase, prepareDatabase } from './database.ts';
import { type EventRecord, type GeneratorOptions, generateAccounts, generateEvents, generateUsers } from './generator.ts';
import { type IngestRun, ingestAtRate, ingestObject } from './ingest.ts';
import { type ServerOptions, ServerProcess } from './ipc.ts';
import { describeMachine, packageVersion, sourceCommit } from './machine.ts';
import { Progress } from './progress.ts';
import { nestedPage, QUERIES, type QueryContext, QueryRunner } from './queries.ts';
import { renderMarkdown } from './report.ts';
import {
  type BenchResult,
  type BenchSummary,
  type DuringIngestion,
  type IngestObjectResult,
  type Phase,
  type QueryStage,
  type RssSample,
  summarizeRun,
  type TracingOverhead,
} from './result.ts';
import { rssGrowth } from './stats.ts';
import { evaluateTargets } from './targets.ts';
import { measureTracingOverhead } from './tracing-overhead.ts';

/**
 * `npm run bench`: ingestion and query speed of the real server (in a child process) against the
 * database's own limit, side by side in one run. See docs/benchmarks.md.
 */

const DAY_MS = 86_400_000;

class Phases {
  readonly list: Phase[] = [];
  private current: Phase | null = null;

  begin(name: string): void {
    this.end();
    this.current = { name, startMs: Date.now(), endMs: Date.now() };
    this.list.push(this.current);
  }

  end(): void {
    if (this.current) this.current.endMs = Date.now();
    this.current = null;
  }
}

/** Highest RSS of the phases named `prefix…`: the periodic samples and the readings taken around each round. */
function peakRss(samples: readonly RssSample[], phases: readonly Phase[], prefix: string, observed: number): number | null {
  const inPhase = samples.filter((s) => phases.some((p) => p.name.startsWith(prefix) && s.t >= p.startMs && s.t <= p.endMs));
  const peak = Math.max(observed, ...inPhase.map((s) => s.rssMb));
  return peak > 0 ? peak : null;
}

async function queryStage(
  runner: QueryRunner,
  server: ServerProcess,
  index: number,
  loaded: number,
  firstAt: Date,
  anchor: Date,
): Promise<QueryStage> {
  // A load this size would trigger autovacuum's ANALYZE within a minute on PostgreSQL; PGlite
  // has no autovacuum. Analyzing explicitly makes every stage start from current statistics.
  await server.request({ type: 'analyze' });
  runner.note(`queries at ${loaded.toLocaleString('en-US')} events…`);
  const ctx: QueryContext = { anchor, sampleAccounts: [] };
  ctx.sampleAccounts = await runner.sampleAccounts(ctx);
  const queries = [];
  for (const def of QUERIES) queries.push(await runner.measure(def, ctx, `queries ${index + 1}`, index === 0 ? 10 : undefined));
  return {
    index,
    events: loaded,
    historyDays: Math.max(0, Math.round((anchor.getTime() - firstAt.getTime()) / DAY_MS)),
    anchor: anchor.toISOString(),
    queries,
  };
}

/**
 * The query set again while REST event calls arrive at half the sustained rate the run measured:
 * new events (another seed) over the same users, spread over the same history.
 */
async function readsDuringIngestion(
  ingestRun: IngestRun,
  runner: QueryRunner,
  ctx: QueryContext,
  generator: GeneratorOptions,
  sustainedPerSecond: number,
): Promise<DuringIngestion> {
  const targetPerSecond = sustainedPerSecond / 2;
  runner.note(`queries during ingestion at ${Math.round(targetPerSecond).toLocaleString('en-US')} events/s…`);
  let stop = () => {};
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const source = generateEvents({ ...generator, seed: generator.seed + 2 })[Symbol.iterator]();
  const sending = ingestAtRate({ ...ingestRun, progress: new Progress() }, source, targetPerSecond, stopped);
  const queries = [];
  try {
    for (const def of QUERIES) queries.push(await runner.measure(def, ctx, 'during ingestion'));
  } finally {
    stop();
  }
  const sent = await sending;
  return { targetPerSecond, sentPerSecond: sent.perSecond, records: sent.records, ackLatency: sent.latency, queries };
}

async function run(options: BenchOptions, target: BenchDatabase): Promise<BenchResult> {
  const progress = new Progress();
  const started = new Date();
  const commit = sourceCommit();
  const profileDir = path.resolve(options.out, 'profiles');
  if (options.profile) await mkdir(profileDir, { recursive: true });
  progress.note(`bench: starting the server on ${target.backend}${target.pgliteDir ? ` (${target.pgliteDir})` : ''}…`);
  const serverOptions: ServerOptions = {
    databaseUrl: target.url,
    pgliteDir: target.pgliteDir,
    rawConnections: options.concurrency,
    rssIntervalMs: 250,
  };
  const server = await ServerProcess.start(serverOptions, options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
  try {
    const database =
      server.ready.kind === 'pglite'
        ? `PGlite ${packageVersion('@electric-sql/pglite')} (${server.ready.databaseVersion})`
        : server.ready.databaseVersion;
    const machine = describeMachine(database);
    const generator: GeneratorOptions = { seed: options.seed, scale: options.scale, now: options.now, days: options.days };
    const ingestRun: IngestRun = { server, options, progress };
    const runner = new QueryRunner(server, options, progress);
    const phases = new Phases();
    const stages: QueryStage[] = [];
    const ingest: Array<Omit<IngestObjectResult, 'peakRssMb'> & { observedRssMb: number }> = [];

    // Untimed: the first calls of each path pay for JIT compilation, pool connections and cold
    // caches, which would otherwise land on the accounts (only a few batches at default scale).
    phases.begin('warm-up');
    const warm: GeneratorOptions = { ...generator, seed: generator.seed + 1, scale: { accounts: 1000, users: 1000, events: 4000 } };
    const warmRun: IngestRun = { ...ingestRun, warmup: true };
    await ingestObject(warmRun, 'account', generateAccounts(warm), warm.scale.accounts);
    await ingestObject(warmRun, 'user', generateUsers(warm), warm.scale.users);
    await ingestObject(warmRun, 'event', generateEvents(warm), warm.scale.events);

    phases.begin('accounts');
    ingest.push(await ingestObject(ingestRun, 'account', generateAccounts(generator), options.scale.accounts));
    phases.begin('users');
    ingest.push(await ingestObject(ingestRun, 'user', generateUsers(generator), options.scale.users));

    const total = options.scale.events;
    const checkpoints = Array.from({ length: options.steps }, (_, k) => Math.ceil((total * (k + 1)) / options.steps));
    // The generated history starts `days` before `now`; query windows end at the last loaded event.
    const firstAt = new Date(options.now.getTime() - options.days * DAY_MS);
    let anchor = options.now;
    phases.begin('events 1');
    ingest.push(
      await ingestObject(ingestRun, 'event', generateEvents(generator), total, async ({ loaded, lastRecord }) => {
        const last = lastRecord as EventRecord | undefined;
        if (last) anchor = new Date(String(last.timestamp));
        if (stages.length < checkpoints.length && loaded >= (checkpoints[stages.length] as number) && loaded < total) {
          phases.begin(`queries ${stages.length + 1}`);
          stages.push(await queryStage(runner, server, stages.length, loaded, firstAt, anchor));
          phases.begin(`events ${stages.length + 1}`);
          progress.start('events', total, { done: loaded });
        }
      }),
    );
    phases.begin(`queries ${stages.length + 1}`);
    stages.push(await queryStage(runner, server, stages.length, total, firstAt, total > 0 ? anchor : options.now));
    const ctx: QueryContext = { anchor, sampleAccounts: [] };
    const nestedStatements = [];
    for (const first of [10, 50]) nestedStatements.push({ first, statements: await runner.statementsOf(nestedPage(ctx, first)) });
    const sustained = ingest.find((i) => i.object === 'event')?.fold?.sustainedPerSecond ?? 0;
    ctx.sampleAccounts = await runner.sampleAccounts(ctx);
    let tracingOverhead: TracingOverhead | null = null;
    if (options.tracingOverhead) {
      phases.begin('tracing overhead');
      tracingOverhead = await measureTracingOverhead({ server, runner, serverOptions }, options, progress, ctx);
    }
    let duringIngestion: DuringIngestion | null = null;
    if (sustained > 0) {
      phases.begin('queries during ingestion');
      duringIngestion = await readsDuringIngestion(ingestRun, runner, ctx, generator, sustained);
    }
    phases.end();

    const samples = await server.request({ type: 'samples', from: 0 });
    const eventSamples = samples.filter((s) => phases.list.some((p) => p.name.startsWith('events') && s.t >= p.startMs && s.t <= p.endMs));
    const growth = rssGrowth(eventSamples.map((s) => s.rssMb));
    const partial: Omit<BenchResult, 'targets'> = {
      version: 1,
      startedAt: started.toISOString(),
      commit,
      durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
      backend: server.ready.kind,
      machine,
      options: {
        preset: options.preset,
        ...options.scale,
        days: options.days,
        seed: options.seed,
        now: options.now.toISOString(),
        batchSize: options.batchSize,
        concurrency: options.concurrency,
        modes: options.modes,
        steps: options.steps,
        pglite: server.ready.kind === 'pglite' ? options.pglite : null,
        tracing: server.ready.tracing,
      },
      ingest: ingest.map(({ observedRssMb, ...i }) => ({
        ...i,
        peakRssMb: peakRss(samples, phases.list, i.object === 'event' ? 'events' : `${i.object}s`, observedRssMb),
      })),
      queries: stages,
      nestedStatements,
      duringIngestion,
      tracingOverhead,
      rss: { samples, phases: phases.list, eventIngestGrowth: Number.isNaN(growth) ? null : growth },
    };
    return { ...partial, targets: evaluateTargets(partial) };
  } finally {
    progress.finish();
    await server.stop();
  }
}

/** The summary (and its chart) into `out`; the whole run into `rawOut` only when asked. */
async function save(result: BenchResult, summary: BenchSummary, out: string, rawOut: string | null): Promise<string[]> {
  await mkdir(out, { recursive: true });
  const stamp = summary.startedAt.replaceAll(':', '').replace(/\.\d+Z$/, 'Z');
  const json = path.join(out, `${stamp}-${summary.backend}.json`);
  const latest = path.join(out, `latest-${summary.backend}.json`);
  const svg = path.join(out, `latest-${summary.backend}.svg`);
  await writeFile(json, `${JSON.stringify(summary, null, 2)}\n`);
  await copyFile(json, latest);
  await writeFile(svg, renderChart(summary));
  if (!rawOut) return [json, latest, svg];
  await mkdir(path.dirname(rawOut), { recursive: true });
  await writeFile(rawOut, `${JSON.stringify(result, null, 2)}\n`);
  return [json, latest, svg, rawOut];
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof ArgsError) {
      process.stderr.write(`${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    throw error;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (
    options.tracingOverhead &&
    (!process.env.DATABASE_URL || process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
  ) {
    process.stderr.write(
      '--tracing-overhead needs PostgreSQL (DATABASE_URL: two servers share its database) and an untraced run (no OTEL_EXPORTER_OTLP_*ENDPOINT: it traces the second server itself)\n',
    );
    process.exit(2);
  }
  // A reader that goes away (`| head`) must not kill the run before it drops its database.
  process.stdout.on('error', () => {});
  process.stderr.on('error', () => {});
  const target = await prepareDatabase(process.env.DATABASE_URL || undefined, options.pglite);
  const cleanup = () => target.drop().catch((error: unknown) => process.stderr.write(`bench: cleanup failed: ${String(error)}\n`));
  process.once('SIGINT', () => {
    process.stderr.write('\nbench: interrupted, cleaning up…\n');
    void cleanup().then(() => process.exit(130));
  });
  try {
    const result = await run(options, target);
    const summary = summarizeRun(result);
    const files = await save(result, summary, options.out, options.rawOut);
    process.stdout.write(`${renderMarkdown(summary)}\n`);
    process.stderr.write(`bench: wrote ${files.join(', ')}\n`);
  } finally {
    await cleanup();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
