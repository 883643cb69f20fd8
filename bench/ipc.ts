import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { bundleEntry } from '../scripts/bundle.ts';
import type { PlanSummary } from './explain.ts';
import type { AccountRecord, EventRecord, UserRecord } from './generator.ts';
import type { BenchObject } from './records.ts';
import type { RssSample } from './result.ts';

/**
 * The server runs in a child process so that its memory (RSS) and CPU are its own, not the load
 * generator's. The parent drives it over Node's IPC channel: statement counts and SQL capture
 * (from the server's own database handle), memory samples, raw-limit batches (run on the
 * server's database, which for PGlite lives only in that process) and EXPLAIN.
 */

export interface ServerOptions {
  databaseUrl?: string;
  /** PGlite data directory (absent: in memory). */
  pgliteDir?: string;
  /** Connections of the raw-limit client (PostgreSQL). */
  rawConnections: number;
  rssIntervalMs: number;
  /** A second server on the database of a running one: serves its workspaces with its keys instead of making its own. */
  attach?: Workspaces;
}

/** The bench's workspaces and their keys. */
export type Workspaces = Pick<Ready, 'restKey' | 'graphqlKey' | 'warmupKey' | 'restWorkspaceId'>;

export interface Ready {
  port: number;
  kind: 'postgres' | 'pglite';
  databaseVersion: string;
  /** Admin keys (ADMIN implies INGEST and READ) of the two workspaces. */
  restKey: string;
  graphqlKey: string;
  /** A third workspace for the untimed warm-up (JIT, connection pools, caches). */
  warmupKey: string;
  restWorkspaceId: string;
  /** Whether the server exports traces (the OTEL_* variables of the bench's environment ask for it). */
  tracing: boolean;
}

export interface CapturedStatement {
  sql: string;
  params: unknown[];
}

export type Request =
  | { type: 'stats' }
  | { type: 'samples'; from: number }
  | { type: 'capture'; on: boolean }
  | { type: 'raw'; object: BenchObject; workspaceId: string; batches: Array<Array<AccountRecord | UserRecord | EventRecord>> }
  | { type: 'explain'; statements: CapturedStatement[] }
  | { type: 'analyze' }
  | { type: 'forget' }
  | { type: 'unfolded' }
  | { type: 'shutdown' };

export interface Responses {
  /** `heldCalls`: event calls held by backpressure so far (the server's ingest_backpressure_seconds_count). */
  stats: { statements: number; cpuMs: number; rssMb: number; heldCalls: number };
  samples: RssSample[];
  capture: CapturedStatement[];
  raw: { wallMs: number; latencies: number[] };
  explain: Array<PlanSummary & { sql: string; error: string | null }>;
  analyze: null;
  forget: null;
  /** Events acknowledged but not folded yet, every workspace together. */
  unfolded: { events: number };
  shutdown: null;
}

type Envelope = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export class ServerProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: Ready,
  ) {
    child.on('message', (message: Envelope) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(`server process: ${message.error}`));
    });
    child.on('exit', (code) => {
      this.exited = true;
      for (const waiter of this.pending.values()) waiter.reject(new Error(`server process exited (${code})`));
      this.pending.clear();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get url(): string {
    return `http://127.0.0.1:${this.ready.port}`;
  }

  /**
   * Fork the server process and wait until it listens. It runs compiled, as `npm start` does: the
   * build (`dist/`, rebuilt if older than the sources) and `server-process.ts` bundled beside it into
   * `dist/bench/`, run by plain node, so what is measured is the production server, not the sources
   * through the tsx loader that runs the bench itself.
   */
  static async start(options: ServerOptions, execArgv: string[] = [], env: Record<string, string> = {}): Promise<ServerProcess> {
    const child = fork(await compiledServerProcess(), [], {
      execArgv,
      env: { ...process.env, ...env, BENCH_SERVER_OPTIONS: JSON.stringify(options) },
      // The server's own log lines go to our stderr: stdout carries the report.
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    child.stdout?.pipe(process.stderr);
    const ready = await new Promise<Ready>((resolve, reject) => {
      const onMessage = (message: { type?: string; ready?: Ready; error?: string }) => {
        if (message.type === 'ready' && message.ready) resolve(message.ready);
        if (message.type === 'failed') reject(new Error(`server process failed to start: ${message.error}`));
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`server process exited during start-up (${code})`)));
    });
    child.removeAllListeners('message');
    return new ServerProcess(child, ready);
  }

  request<K extends Request['type']>(request: Extract<Request, { type: K }>): Promise<Responses[K]> {
    if (this.exited) return Promise.reject(new Error('server process has exited'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ id, ...request });
    });
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exit = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.request({ type: 'shutdown' }).catch(() => {});
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exit;
    clearTimeout(timer);
  }
}

/** `dist/bench/server-process.js`: one folder below `dist/`, where `src/files.ts` finds the build's files. */
async function compiledServerProcess(): Promise<string> {
  const at = (relative: string) => new URL(`../${relative}`, import.meta.url).pathname;
  // Build output goes to stderr: stdout carries the report.
  execFileSync(process.execPath, [at('scripts/ensure-build.mjs')], { stdio: ['ignore', 2, 2] });
  const outfile = at('dist/bench/server-process.js');
  await bundleEntry(at('bench/server-process.ts'), outfile);
  return outfile;
}
