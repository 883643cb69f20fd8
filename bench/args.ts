import { PRESETS, type Scale } from './generator.ts';

/** Command-line options of `npm run bench`. Pure: no I/O, so it is unit-tested. */

export type Mode = 'rest' | 'graphql' | 'raw';
export const MODES: readonly Mode[] = ['rest', 'graphql', 'raw'];
export type PresetName = keyof typeof PRESETS;

export interface BenchOptions {
  preset: PresetName | 'custom';
  scale: Scale;
  /** Length of the generated event history, in days. */
  days: number;
  seed: number;
  /** Generator time anchor: nothing is dated later than this. */
  now: Date;
  /** Records per ingestion call (the API's limit is 1,000). */
  batchSize: number;
  /** Concurrent senders per ingestion path. */
  concurrency: number;
  /** Ingestion paths to measure. */
  modes: Mode[];
  /** Query measurements at this many dataset sizes (after 1/steps, 2/steps … of the events). */
  steps: number;
  /** Seconds spent repeating each query at each size (at least `minRuns`, at most `maxRuns` runs). */
  duration: number;
  minRuns: number;
  maxRuns: number;
  warmup: number;
  /** Where PGlite keeps its data: a temporary directory (default) or the server process's memory. */
  pglite: 'dir' | 'memory';
  /** Directory of the summary JSON and the chart. */
  out: string;
  /** Also write everything measured (RSS samples, each query's SQL and plans) to this file. */
  rawOut: string | null;
  /** Write a V8 CPU profile of the server process (`--cpu-prof`) into `out`/profiles. */
  profile: boolean;
  /**
   * Measure what tracing costs the queries: a second server on the same database exports traces to
   * a collector that is not there, and the query set alternates between the two (PostgreSQL only).
   */
  tracingOverhead: boolean;
  help: boolean;
}

export class ArgsError extends Error {
  override name = 'ArgsError';
}

export const USAGE = `Usage: npm run bench -- [options]

Measures ingestion (Hightouch REST adapter, GraphQL mutations, and the database's own limit: one
raw statement per batch) and queries, against PostgreSQL when DATABASE_URL is set (a fresh database
is created and dropped) and the embedded PGlite otherwise.

Scale
  --small | --wide | --large presets (default: ${PRESETS.default.accounts} accounts, ${PRESETS.default.users} users, ${PRESETS.default.events} events;
                             --wide: the default's events over 10× the accounts and users)
  --accounts N --users N --events N
                             override the preset (accepts 20k, 1.5m, 10_000)
  --days N                   event history length in days (default 180)
  --seed N                   generator seed (default 1)
  --now ISO                  generator time anchor (default: today 00:00 UTC)
Ingestion
  --batch N                  records per call, 1-1000 (default 1000)
  --concurrency N            concurrent senders per path (default 4)
  --modes rest,graphql,raw   paths to measure (default: all three, interleaved round by round)
Queries
  --steps N                  dataset sizes to query at, 1-10 (default 3)
  --duration S               seconds per query and size (default 2)
  --runs N                   at most N runs per query and size (default 50; at least 5)
Other
  --pglite dir|memory        PGlite data in a temp dir (default) or in memory
  --out DIR                  results directory (default bench/results): the summary JSON and chart
  --raw-out FILE             also write every sample and each query's SQL and plans to FILE
  --profile                  write a CPU profile of the server process to DIR/profiles
  --tracing-overhead         after the queries, the query set again alternating between this server
                             and a second one on the same database that traces to a collector that
                             is not there (PostgreSQL; the OTEL_* variables must not be set)
  -h, --help
`;

/** `20k`, `1.5m`, `10_000`, `200000` → a non-negative integer. */
export function parseCount(raw: string, name: string): number {
  const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(raw.replaceAll('_', '').trim());
  const unit = match?.[2]?.toLowerCase();
  const value = match ? Number(match[1]) * (unit === 'k' ? 1_000 : unit === 'm' ? 1_000_000 : 1) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 0)
    throw new ArgsError(`${name} must be a whole number such as 2000, 20k or 1.5m; got "${raw}"`);
  return value;
}

function bounded(raw: string, name: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new ArgsError(`${name} must be between ${min} and ${max}; got "${raw}"`);
  return value;
}

function integer(raw: string, name: string, min: number, max: number): number {
  const value = bounded(raw, name, min, max);
  if (!Number.isInteger(value)) throw new ArgsError(`${name} must be a whole number; got "${raw}"`);
  return value;
}

function startOfUtcDay(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 86_400_000) * 86_400_000);
}

/** Parse `process.argv.slice(2)`. `now` is injectable so the result is deterministic in tests. */
export function parseArgs(argv: readonly string[], now: Date = new Date()): BenchOptions {
  const options: BenchOptions = {
    preset: 'default',
    scale: { ...PRESETS.default },
    days: 180,
    seed: 1,
    now: startOfUtcDay(now),
    batchSize: 1000,
    concurrency: 4,
    modes: [...MODES],
    steps: 3,
    duration: 2,
    minRuns: 5,
    maxRuns: 50,
    warmup: 3,
    pglite: 'dir',
    out: 'bench/results',
    rawOut: null,
    profile: false,
    tracingOverhead: false,
    help: false,
  };
  const explicit: Partial<Scale> = {};
  const args = [...argv];
  while (args.length > 0) {
    const arg = args.shift() as string;
    if (arg === '--') continue;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      const next = inline ?? args.shift();
      if (next === undefined || (inline === undefined && next.startsWith('--'))) throw new ArgsError(`${name} needs a value`);
      return next;
    };
    switch (name) {
      case '-h':
      case '--help':
        options.help = true;
        break;
      case '--small':
      case '--default':
      case '--wide':
      case '--large':
        options.preset = name.slice(2) as PresetName;
        break;
      case '--preset': {
        const preset = value();
        if (!(preset in PRESETS)) throw new ArgsError(`--preset must be one of ${Object.keys(PRESETS).join(', ')}; got "${preset}"`);
        options.preset = preset as PresetName;
        break;
      }
      case '--accounts':
      case '--users':
      case '--events':
        explicit[name.slice(2) as keyof Scale] = parseCount(value(), name);
        break;
      case '--days':
        options.days = bounded(value(), name, 1, 3650);
        break;
      case '--seed':
        options.seed = integer(value(), name, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
        break;
      case '--now': {
        const raw = value();
        const date = new Date(raw);
        if (!Number.isFinite(date.getTime())) throw new ArgsError(`--now must be an ISO date-time; got "${raw}"`);
        options.now = date;
        break;
      }
      case '--batch':
        options.batchSize = integer(value(), name, 1, 1000);
        break;
      case '--concurrency':
        options.concurrency = integer(value(), name, 1, 64);
        break;
      case '--modes': {
        const modes = value()
          .split(',')
          .map((m) => m.trim())
          .filter(Boolean);
        const unknown = modes.filter((m) => !(MODES as readonly string[]).includes(m));
        if (modes.length === 0 || unknown.length > 0)
          throw new ArgsError(`--modes takes a list of ${MODES.join(', ')}; got "${modes.join(',')}"`);
        options.modes = MODES.filter((m) => modes.includes(m));
        break;
      }
      case '--steps':
        options.steps = integer(value(), name, 1, 10);
        break;
      case '--duration':
        options.duration = bounded(value(), name, 0, 3600);
        break;
      case '--runs':
        options.maxRuns = integer(value(), name, 1, 100_000);
        options.minRuns = Math.min(options.minRuns, options.maxRuns);
        break;
      case '--pglite': {
        const where = value();
        if (where !== 'dir' && where !== 'memory') throw new ArgsError(`--pglite must be dir or memory; got "${where}"`);
        options.pglite = where;
        break;
      }
      case '--out':
        options.out = value();
        break;
      case '--raw-out':
        options.rawOut = value();
        break;
      case '--profile':
        options.profile = true;
        break;
      case '--tracing-overhead':
        options.tracingOverhead = true;
        break;
      default:
        throw new ArgsError(`Unknown option "${arg}". Run with --help for the list.`);
    }
  }
  if (options.preset !== 'custom') options.scale = { ...PRESETS[options.preset] };
  if (Object.keys(explicit).length > 0) {
    options.scale = { ...options.scale, ...explicit };
    options.preset = 'custom';
  }
  if (options.scale.events > 0 && options.scale.users === 0) throw new ArgsError('--events needs at least one user (--users)');
  return options;
}
