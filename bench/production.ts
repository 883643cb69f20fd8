// Focused measurements of running the service as in production (docs/reliability.md, "Running
// the build"), small enough for a shared machine — not the full benchmark:
//
//   npx tsx bench/production.ts startup   start-up to first answered request, `node dist/…` vs
//                                          `tsx src/main.ts` (the former `npm start`), medians;
//                                          then the first /views page load (HTML + its assets) vs a repeat
//   npx tsx bench/production.ts tracing   200 sequential queries on the demo's small workspace,
//                                          tracing off vs on with an unreachable collector
//
// Needs `npm run build` first. RUNS (default 7) sets the runs per variant, after one warm-up.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batches, generateAccounts, generateEvents, generateUsers, PRESETS } from './generator.ts';

const root = new URL('..', import.meta.url).pathname;
const RUNS = Number(process.env.RUNS ?? 7);
const VARIANTS = {
  compiled: [process.execPath, join(root, 'dist/src/main.js')],
  tsx: [join(root, 'node_modules/.bin/tsx'), join(root, 'src/main.ts')],
} as const;

interface Server {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Milliseconds from spawn to the first answered GET /healthz. */
  startMs: number;
}

let nextPort = 4700;
async function start(command: readonly string[], env: Record<string, string>): Promise<Server> {
  const port = nextPort++;
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(command[0]!, command.slice(1), {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk) => (out += chunk));
  child.stderr?.on('data', (chunk) => (out += chunk));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${out}`);
    if (performance.now() - started > 120_000) throw new Error(`server did not answer:\n${out}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { child, url, output: () => out, startMs: performance.now() - started };
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function stop(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
};
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

/** GET over `agent`'s connections; resolves with the body once it has all arrived. */
function get(agent: Agent, url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { agent, headers }, (response) => {
      let body = '';
      response.setEncoding('latin1');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(body));
    })
      .on('error', reject)
      .end();
  });
}

/**
 * GET /views as a new visitor's browser does: the page, then every stylesheet and script it links
 * at once, over connections of its own (opened by this load, kept alive within it), so a first load
 * and a repeat pay the same connection set-up and differ only by the server's work.
 */
async function viewsPage(url: string): Promise<number> {
  const agent = new Agent({ keepAlive: true });
  try {
    const started = performance.now();
    const html = await get(agent, `${url}/views`, { accept: 'text/html' });
    const assets = [...html.matchAll(/(?:href|src)="(views\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    if (assets.length < 3) throw new Error(`unexpected /views page:\n${html}`);
    await Promise.all(assets.map((asset) => get(agent, `${url}/${asset}`, { 'accept-encoding': 'gzip' })));
    return performance.now() - started;
  } finally {
    agent.destroy();
  }
}

async function startup(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'startup-'));
  const databases: Array<[string, Record<string, string>]> = [['pglite', { DATA_DIR: join(dir, 'data'), DATABASE_URL: '' }]];
  if (process.env.DATABASE_URL) databases.push(['postgres', { DATABASE_URL: process.env.DATABASE_URL }]);
  try {
    for (const [database, env] of databases) {
      const times: Record<string, number[]> = { compiled: [], tsx: [] };
      const views: Record<string, { first: number[]; repeat: number[] }> = {
        compiled: { first: [], repeat: [] },
        tsx: { first: [], repeat: [] },
      };
      // Warm-up (also migrates the database and creates its first key), then alternate the variants.
      for (const command of Object.values(VARIANTS)) await stop(await start(command, env));
      for (let run = 0; run < RUNS; run++) {
        for (const [name, command] of Object.entries(VARIANTS)) {
          const server = await start(command, env);
          times[name]!.push(server.startMs);
          views[name]!.first.push(await viewsPage(server.url));
          views[name]!.repeat.push(await viewsPage(server.url));
          await stop(server);
        }
      }
      for (const name of Object.keys(VARIANTS)) {
        const v = views[name]!;
        process.stdout.write(
          `${database} ${name}: start to first answer median ${median(times[name]!).toFixed(0)} ms (${times[name]!.map((t) => t.toFixed(0)).join(', ')}); ` +
            `/views first load median ${median(v.first).toFixed(1)} ms, repeat ${median(v.repeat).toFixed(1)} ms\n`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const NESTED = `query Nested($window: TimeWindow!) {
  accounts(first: 20) {
    edges { node { id name metric(metric: { event: "Signed In" }, window: $window) users(first: 5) { nodes { id email } } } }
  }
}`;
const TOP = `query Top($window: TimeWindow!) {
  accounts(first: 50, orderBy: { metric: { metric: { event: "Signed In" }, window: $window }, direction: DESC }) { edges { orderValue node { id name } } }
}`;

async function post(url: string, key: string, path: string, body: unknown): Promise<any> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as any;
  if (response.status !== 200 || json.errors) throw new Error(`${path}: ${response.status} ${JSON.stringify(json).slice(0, 500)}`);
  return json;
}

async function tracing(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tracing-'));
  const env = { DATA_DIR: join(dir, 'data'), DATABASE_URL: '', RATE_LIMIT_READ_PER_SECOND: '0', RATE_LIMIT_INGEST_PER_SECOND: '0' };
  try {
    const loader = await start(VARIANTS.compiled, env);
    const key = /Authorization: Bearer (cor_\w+)/.exec(loader.output())?.[1];
    if (!key) throw new Error(`no key printed:\n${loader.output()}`);
    const now = new Date();
    const options = { seed: 1, now, scale: PRESETS.small, days: 90 };
    for (const [object, mode, records] of [
      ['account', 'upsert', generateAccounts(options)],
      ['user', 'upsert', generateUsers(options)],
      ['event', 'insert', generateEvents(options)],
    ] as const) {
      for (const batch of batches<Record<string, unknown>>(records, 500))
        await post(loader.url, key, `/hightouch/v1/objects/${object}/${mode}`, { records: batch });
    }
    await stop(loader);

    const window = { from: new Date(now.getTime() - 30 * 86_400_000).toISOString(), to: now.toISOString() };
    const variants: Array<[string, Record<string, string>]> = [
      ['off', {}],
      ['on, collector unreachable', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_SERVICE_NAME: 'bench' }],
    ];
    const samples: Record<string, Record<string, number[]>> = {};
    // Twice each, alternating, so a drift of the shared machine hits both alike.
    for (let round = 0; round < 2; round++) {
      for (const [name, extra] of variants) {
        const server = await start(VARIANTS.compiled, { ...env, ...extra });
        for (const [label, query] of [
          ['nested', NESTED],
          ['top', TOP],
        ] as const) {
          for (let i = 0; i < 20; i++) await post(server.url, key, '/graphql', { query, variables: { window } });
          const byQuery = samples[name] ?? {};
          samples[name] = byQuery;
          const times = byQuery[label] ?? [];
          byQuery[label] = times;
          for (let i = 0; i < 100; i++) {
            const started = performance.now();
            await post(server.url, key, '/graphql', { query, variables: { window } });
            times.push(performance.now() - started);
          }
        }
        const metrics = await (await fetch(`${server.url}/metrics`)).text();
        const dropped = metrics.split('\n').filter((line) => line.startsWith('otel_spans_dropped_total'));
        if (extra.OTEL_EXPORTER_OTLP_ENDPOINT) process.stdout.write(`round ${round + 1}, tracing ${name}: ${dropped.join('; ')}\n`);
        await stop(server);
      }
    }
    for (const [name, byQuery] of Object.entries(samples)) {
      for (const [label, times] of Object.entries(byQuery)) {
        process.stdout.write(
          `tracing ${name}, ${label}: ${times.length} queries, p50 ${median(times).toFixed(2)} ms, p90 ${percentile(times, 0.9).toFixed(2)} ms\n`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mode = process.argv[2];
if (mode === 'startup') await startup();
else if (mode === 'tracing') await tracing();
else {
  process.stderr.write('usage: npx tsx bench/production.ts startup|tracing\n');
  process.exit(2);
}
