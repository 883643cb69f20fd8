// `npm run demo`: a realistic demo workspace on the embedded database, loaded the way production
// data arrives — through the Hightouch REST adapter over HTTP, in batches of 500 — then the IDE URL,
// a key and example queries to paste. Serves until Ctrl-C.
//
//   npm run demo                      # fresh ./.data/demo (wiped first), http://127.0.0.1:4000
//   DATA_DIR=/tmp/demo PORT=4100 npm run demo
import { mkdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { batches, generateAccounts, generateEvents, generateUsers, PRESETS, type Scale } from '../bench/generator.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { type Database, openDatabase } from '../src/db/client.ts';
import { createWorkspace } from '../src/keys/service.ts';
import { type AppServer, buildServer } from '../src/server.ts';

const DEFAULT_DIR = './.data/demo';
const BATCH_SIZE = 500;
const MAX_ATTEMPTS = 6;

export interface DemoOptions {
  /** PGlite data directory; default ./.data/demo, wiped first (it only ever holds demo data). */
  dataDir?: string;
  port?: number;
  host?: string;
  scale?: Scale;
  seed?: number;
  now?: Date;
  /** Progress and the banner; default process.stderr / process.stdout. */
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
  out?: NodeJS.WritableStream;
  /** Environment for the server's configuration (default process.env). */
  env?: Record<string, string | undefined>;
}

export interface Demo {
  server: AppServer;
  database: Database;
  /** Base URL of the running server. */
  url: string;
  /** Admin key of the demo workspace (use it in the IDE). */
  adminKey: string;
  /** Per-status record counts over the whole load, as the adapter reported them. */
  summary: Record<string, number>;
  close(): Promise<void>;
}

interface Step {
  object: 'account' | 'user' | 'event';
  mode: 'upsert' | 'insert';
  label: string;
  records: Iterable<Record<string, unknown>>;
  count: number;
}

export async function runDemo(options: DemoOptions = {}): Promise<Demo> {
  const env = options.env ?? process.env;
  const progress = options.progress ?? process.stderr;
  const out = options.out ?? process.stdout;
  const dataDir = resolve(options.dataDir ?? env.DATA_DIR ?? DEFAULT_DIR);
  if (!options.dataDir && !env.DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });

  // Always the embedded database: the demo never writes into a DATABASE_URL.
  const config = loadConfig({
    ...env,
    DATABASE_URL: '',
    DATA_DIR: dataDir,
    LOG_LEVEL: env.LOG_LEVEL || 'warn',
    ...(options.port !== undefined ? { PORT: String(options.port) } : {}),
    ...(options.host !== undefined ? { HOST: options.host } : {}),
  });
  const database = await openDatabase({ dataDir });
  let server: AppServer | undefined;
  try {
    await database.migrate();
    const workspace = await createWorkspace(database.db, `Demo ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`);
    server = await buildServer({ config, database });
    await server.app.listen({ port: config.port, host: config.host });
    const { port } = server.app.server.address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

    const ingestKey = await connectHightouch(url, workspace.secret);
    const generator = { seed: options.seed ?? 42, scale: options.scale ?? PRESETS.small, now: options.now ?? new Date() };
    const steps: Step[] = [
      { object: 'account', mode: 'upsert', label: 'accounts', records: generateAccounts(generator), count: generator.scale.accounts },
      { object: 'user', mode: 'upsert', label: 'users', records: generateUsers(generator), count: generator.scale.users },
      { object: 'event', mode: 'insert', label: 'events', records: generateEvents(generator), count: generator.scale.events },
    ];
    const summary = await load(url, ingestKey, steps, progress);

    const demo: Demo = {
      server,
      database,
      url,
      adminKey: workspace.secret,
      summary,
      async close() {
        await server?.app.close();
        await database.close();
      },
    };
    out.write(banner(demo, generator.now));
    return demo;
  } catch (error) {
    await server?.app.close().catch(() => {});
    await database.close().catch(() => {});
    throw error;
  }
}

async function connectHightouch(url: string, adminKey: string): Promise<string> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
    body: JSON.stringify({ query: 'mutation Demo { connectHightouch(input: { name: "Demo loader" }) { secret userErrors { message } } }' }),
  });
  const body = (await response.json()) as { data?: { connectHightouch?: { secret?: string | null } }; errors?: unknown };
  const secret = body.data?.connectHightouch?.secret;
  if (!secret) throw new Error(`could not create the Hightouch key: ${response.status} ${JSON.stringify(body)}`);
  return secret;
}

async function load(
  url: string,
  key: string,
  steps: Step[],
  progress: NodeJS.WritableStream & { isTTY?: boolean },
): Promise<Record<string, number>> {
  const total = steps.reduce((sum, step) => sum + step.count, 0);
  const summary: Record<string, number> = {};
  const started = Date.now();
  let sent = 0;
  const bar = (label: string) => {
    const width = 30;
    const filled = Math.round((sent / total) * width);
    const percent = String(Math.floor((sent / total) * 100)).padStart(3);
    return `Loading through ${url}/hightouch/v1  [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${percent}%  ${sent.toLocaleString('en-US')}/${total.toLocaleString('en-US')} records  ${label.padEnd(8)}`;
  };

  for (const step of steps) {
    for (const batch of batches(step.records, BATCH_SIZE)) {
      const result = await post(`${url}/hightouch/v1/objects/${step.object}/${step.mode}`, key, { records: batch });
      for (const [status, n] of Object.entries(result.summary ?? {})) {
        if (status !== 'received' && typeof n === 'number') summary[status] = (summary[status] ?? 0) + n;
      }
      sent += batch.length;
      if (progress.isTTY) progress.write(`\r${bar(step.label)}`);
    }
    if (!progress.isTTY) progress.write(`${bar(step.label)}\n`);
  }
  const seconds = (Date.now() - started) / 1000;
  const counts = Object.entries(summary)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n.toLocaleString('en-US')} ${status}`)
    .join(', ');
  progress.write(`${progress.isTTY ? '\n' : ''}Loaded ${total.toLocaleString('en-US')} records in ${seconds.toFixed(1)} s (${counts}).\n`);
  return summary;
}

/** POST one batch; 429 and 503 are retried after Retry-After, as Hightouch does. */
async function post(url: string, key: string, body: unknown): Promise<{ summary?: Record<string, number> }> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });
    if (response.ok) return (await response.json()) as { summary?: Record<string, number> };
    const text = await response.text();
    if ((response.status === 429 || response.status === 503) && attempt < MAX_ATTEMPTS) {
      const wait = Math.min(Number(response.headers.get('retry-after')) || 1, 30);
      await new Promise((done) => setTimeout(done, wait * 1000));
      continue;
    }
    throw new Error(`POST ${url} answered ${response.status}: ${text.slice(0, 500)}`);
  }
}

/** The three queries the banner suggests (title, query). */
export function exampleQueries(now: Date): Array<[string, string]> {
  const weeksAgo = new Date(now.getTime() - 12 * 7 * 86_400_000).toISOString().slice(0, 10);
  return [
    [
      'The ready-made views, populated from what the fields and events mean (also at /views, as charts)',
      '{ views { id title locked reason preview { columns { label } rows { cells } totalCount } } }',
    ],
    ['The account dimensions, with coverage', '{ dimensions(object: ACCOUNT) { key label type semantic coverage distinctCount } }'],
    [
      'The 10 most active accounts of the last 30 days',
      '{ accounts(first: 10, orderBy: { metric: { metric: { event: "Signed In" }, window: { lastDays: 30 } } }) {\n' +
        '    totalCount edges { orderValue node { name plan region seats mrr lastActivityAt } } } }',
    ],
    [
      'Weekly "Created Report" events over 12 weeks',
      `{ metricSeries(input: { metric: { event: "Created Report" }, from: "${weeksAgo}T00:00:00Z", to: "${now.toISOString()}", interval: WEEK }) {\n` +
        '    total points { start value } } }',
    ],
  ];
}

function banner(demo: Demo, now: Date): string {
  return [
    '',
    'Demo ready.',
    '',
    `  Views        ${demo.url}/views     (charts and tables, no configuration: open it in a browser)`,
    `  GraphQL IDE  ${demo.url}/graphql   (open it in a browser)`,
    `  API key      ${demo.adminKey}`,
    '               (paste it into the "API key" field of either page; it is an ADMIN key of the demo workspace only)',
    '',
    'Queries to paste into the IDE:',
    '',
    ...exampleQueries(now).flatMap(([title, query]) => [`  # ${title}`, `  ${query}`, '']),
    'Or with curl:',
    '',
    `  curl -s ${demo.url}/graphql -H 'content-type: application/json' \\`,
    `    -H 'authorization: Bearer ${demo.adminKey}' -d '{"query":"{ viewer { workspace { name } } }"}'`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const demo = await runDemo();
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    demo.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`Configuration error: ${error.message}\n`);
    else if ((error as { code?: string }).code === 'EADDRINUSE') {
      process.stderr.write(`The port is in use (is \`npm start\` running?). Try: PORT=4100 npm run demo\n`);
    } else process.stderr.write(`Demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
