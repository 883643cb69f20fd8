import net from 'node:net';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_URL, freshDatabase, postJson, type ServerProcess, startServer } from './process.ts';

// Graceful shutdown under load: SIGTERM while large ingest batches are being written. The batches
// in flight finish and are answered (and stored whole); a request arriving after SIGTERM on an
// open connection gets 503, new connections are refused; the process exits with 0.

const BIG = 4_000;
const TRACK = 'mutation($records: [EventInput]!) { trackEvents(input: { records: $records }) { created rejected } }';

const events = (tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    name: `Shutdown ${i % 3}`,
    userId: `u${i % 50}`,
    timestamp: 1_767_225_600 + i,
    eventId: `${tag}-${i}`,
    properties: { tag, v: i },
  }));

function httpRequest(port: number, key: string, path: string, body: unknown): string {
  const payload = Buffer.from(JSON.stringify(body));
  return (
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nAuthorization: Bearer ${key}\r\n` +
    `Content-Length: ${payload.length}\r\nConnection: keep-alive\r\n\r\n${payload.toString()}`
  );
}

/** Responses read off one raw socket, in order (Content-Length framing, which Fastify always sends here). */
function responses(socket: net.Socket) {
  let buffer = Buffer.alloc(0);
  const parsed: Array<{ status: number; body: string }> = [];
  const waiters: Array<() => void> = [];
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const head = buffer.indexOf('\r\n\r\n');
      if (head < 0) return;
      const headers = buffer.subarray(0, head).toString();
      const length = Number(/content-length:\s*(\d+)/i.exec(headers)?.[1] ?? 0);
      if (buffer.length < head + 4 + length) return;
      parsed.push({ status: Number(headers.split(' ')[1]), body: buffer.subarray(head + 4, head + 4 + length).toString() });
      buffer = buffer.subarray(head + 4 + length);
      for (const wake of waiters.splice(0)) wake();
    }
  });
  // A closed socket ends the wait: the server may close an idle keep-alive connection while closing.
  let closed = false;
  socket.on('close', () => {
    closed = true;
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    /** The first `count` responses, or fewer if the server closed the connection first. */
    async next(count: number) {
      while (parsed.length < count && !closed) await new Promise<void>((resolve) => waiters.push(resolve));
      return parsed.slice(0, count);
    },
  };
}

let db: Awaited<ReturnType<typeof freshDatabase>>;
let server: ServerProcess;

beforeAll(async () => {
  if (!BASE_URL) return;
  db = await freshDatabase();
  server = await startServer({ databaseUrl: db.url, env: { MAX_BATCH_RECORDS: String(BIG) } });
});
afterAll(async () => {
  server?.child.kill('SIGKILL');
  await db?.drop();
});

describe.runIf(BASE_URL)('graceful shutdown under load (SIGTERM)', () => {
  it('finishes in-flight batches, refuses new ones with 503, and exits cleanly', { timeout: 180_000 }, async () => {
    const key = server.adminKey ?? '';
    const watch = postgres(db.url, { max: 1, onnotice: () => {} });

    // Two large batches in flight: GraphQL on a raw keep-alive socket, REST through fetch.
    const socket = net.connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const read = responses(socket);
    socket.write(httpRequest(server.port, key, '/graphql', { query: TRACK, variables: { records: events('gql', BIG) } }));
    const rest = postJson(
      `${server.url}/hightouch/v1/objects/event/insert`,
      {
        records: events('rest', BIG).map((e) => ({
          event_name: e.name,
          user_id: e.userId,
          timestamp: e.timestamp,
          event_id: e.eventId,
          tag: 'rest',
          v: e.properties.v,
        })),
      },
      key,
    );

    // SIGTERM once the server is writing (an active statement from the service in its database).
    const started = Date.now();
    let writing = false;
    for (;;) {
      const [row] = await watch<Array<{ n: number }>>`
        select count(*)::int as n from pg_stat_activity
        where datname = ${db.name} and application_name = 'correlated-ingest' and state = 'active' and pid <> pg_backend_pid()`;
      writing = (row?.n ?? 0) > 0;
      if (writing || Date.now() - started > 5_000) break;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(writing, 'the server should have been writing when SIGTERM was sent').toBe(true);
    server.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));

    // After SIGTERM: a request on the open connection is refused with 503; a new connection too.
    socket.write(httpRequest(server.port, key, '/graphql', { query: TRACK, variables: { records: events('late', 10) } }));
    const fresh = await postJson(`${server.url}/graphql`, { query: TRACK, variables: { records: events('fresh', 10) } }, key, 10_000);
    expect([0, 503]).toContain(fresh.status);

    const [first, second] = await read.next(2);
    expect(first!.status).toBe(200);
    expect(JSON.parse(first!.body).data.trackEvents).toEqual({ created: BIG, rejected: 0 });
    // The late request is refused: a 503, or — when the first batch had already been answered and
    // the connection sat idle — the server closed the connection without reading it.
    expect(second === undefined || second.status === 503).toBe(true);
    // The REST batch may not have reached the server before SIGTERM (fetch connects on its own
    // schedule): then it is refused whole with 503. Either way it is never half-applied.
    const restResult = await rest;
    expect([200, 503]).toContain(restResult.status);
    const restStored = restResult.status === 200 ? BIG : 0;
    if (restResult.status === 200) expect(restResult.body.summary.created).toBe(BIG);

    const exit = await server.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    socket.destroy();

    const stored = await watch<
      Array<{ tag: string; n: number }>
    >`select properties->>'tag' as tag, count(*)::int as n from events group by 1 order by 1`;
    await watch.end();
    expect(stored).toEqual([{ tag: 'gql', n: BIG }, ...(restStored ? [{ tag: 'rest', n: BIG }] : [])]);
    console.log(
      `[shutdown] 2 batches of ${BIG} in flight at SIGTERM: GraphQL answered 200 and stored whole, REST ${restResult.status === 200 ? 'answered 200 and stored whole' : 'arrived after SIGTERM and was refused whole (503)'}; request after SIGTERM on an open connection: ${second ? second.status : 'connection closed'}; new connection: ${fresh.status === 0 ? `refused (${fresh.error})` : fresh.status}; exit code ${exit.code}`,
    );
  });
});
