import net from 'node:net';
import { expect, it } from 'vitest';
import { createTestApp } from '../support/harness.ts';

const TRACK = 'mutation($records: [EventInput]!) { trackEvents(input: { records: $records }) { created } }';

function request(port: number, key: string, body: unknown): string {
  const payload = JSON.stringify(body);
  return (
    `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nAuthorization: Bearer ${key}\r\n` +
    `Content-Length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`
  );
}

it('answers a request that arrives while the server closes with 503, Retry-After and a JSON error', async () => {
  const t = await createTestApp();
  try {
    await t.server.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.server.app.server.address() as net.AddressInfo;
    const records = Array.from({ length: 1000 }, (_, i) => ({ name: 'Closing', timestamp: 1_767_225_600 + i, userId: `u${i % 20}` }));
    // Two pipelined requests on one connection: Node handles the second only after answering the
    // first, and the server starts closing while the first (a 1,000-event batch) is in flight.
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString();
    });
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(
      request(port, t.adminKey, { query: TRACK, variables: { records } }) +
        request(port, t.adminKey, { query: '{ viewer { workspace { id } } }' }),
    );
    // Close as soon as the first request has reached the server.
    await new Promise<void>((resolve) => t.server.app.server.once('request', () => resolve()));
    await t.server.app.close();
    await ended;
    const responses = received.split(/(?=HTTP\/1\.1 )/);
    expect(responses).toHaveLength(2);
    expect(responses[0]).toMatch(/^HTTP\/1\.1 200/);
    expect(responses[0]).toContain('{"data":{"trackEvents":{"created":1000}}}');
    expect(responses[1]).toMatch(/^HTTP\/1\.1 503/);
    expect(responses[1]).toMatch(/retry-after: 5/i);
    expect(responses[1]).toContain('"code":"SERVICE_UNAVAILABLE"');
  } finally {
    await t.database.close();
  }
});
