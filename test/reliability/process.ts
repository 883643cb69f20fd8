import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { join } from 'node:path';
import postgres from 'postgres';

// The real server as a child process, on a brand-new PostgreSQL database, plus a TCP proxy in front
// of PostgreSQL that a test can cut. From source (the tests) it runs `node --import tsx src/main.ts`;
// compiled (dist/test/reliability/process.js, used by the smoke test in CI) the compiled server with
// plain node, as `npm start` does.

const root = new URL('../..', import.meta.url).pathname;
const serverCommand = import.meta.url.endsWith('.js')
  ? [join(root, 'src/main.js')]
  : ['--import', import.meta.resolve('tsx'), join(root, 'src/main.ts')];

export const BASE_URL = process.env.DATABASE_URL ?? '';

/** A fresh database next to DATABASE_URL's; `drop()` removes it. */
export async function freshDatabase(): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `rel_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(BASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const cleanup = postgres(BASE_URL, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** Everything the process wrote to stdout and stderr. */
  output(): string;
  /** The admin key printed on the very first start of a database, if any. */
  adminKey: string | undefined;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start the server (see serverCommand); without `databaseUrl` it runs on the embedded PGlite (set DATA_DIR in `env`). */
export async function startServer(options: {
  databaseUrl?: string;
  port?: number;
  cwd?: string;
  env?: Record<string, string>;
}): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, serverCommand, {
    cwd: options.cwd ?? root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: options.databaseUrl ?? '',
      LOG_LEVEL: 'info',
      REDIS_URL: '',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Server listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${out}`));
    });
  });
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    adminKey: /Authorization: Bearer (cor_[0-9A-Za-z]+)/.exec(out)?.[1],
    exited,
  };
}

/** A TCP proxy to PostgreSQL that can be cut (every connection dropped, new ones refused) and restored. */
export async function databaseProxy(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  const port = await freePort();
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      server.on('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  await listen();
  return {
    port,
    async cut() {
      const closing = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      for (const socket of sockets) socket.destroy();
      await closing;
      server = undefined;
    },
    restore: listen,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}

export function postgresTarget(): { host: string; port: number } {
  const url = new URL(BASE_URL);
  return { host: url.hostname || '127.0.0.1', port: Number(url.port || 5432) };
}

/** POST JSON; network failures come back as `{ status: 0 }` instead of throwing. */
export async function postJson(
  url: string,
  body: unknown,
  key: string,
  timeoutMs = 60_000,
): Promise<{ status: number; headers: Headers | undefined; body: any; error?: string }> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { status: response.status, headers: response.headers, body: parsed };
  } catch (error) {
    return {
      status: 0,
      headers: undefined,
      body: undefined,
      error: (error as Error).cause ? String((error as Error).cause) : String(error),
    };
  }
}
