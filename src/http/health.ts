import type { FastifyInstance } from 'fastify';

/** Something the server needs to answer requests, checked by GET /readyz. */
export interface Dependency {
  name: 'database' | 'redis';
  check(): Promise<void>;
}

/**
 * GET /healthz: liveness (the process answers; never checks a dependency, so an orchestrator does
 * not restart instances for a database outage). GET /readyz: readiness, every dependency checked
 * at once; 503 with Retry-After naming the ones that failed, so a load balancer takes the instance
 * out of rotation and its operator sees why.
 *
 *   200 {"status":"ready","database":"pglite","checks":{"database":"ok"}}
 *   503 {"status":"unavailable","database":"postgres","checks":{"database":"ok","redis":"unavailable"},"failed":["redis"]}
 */
export function registerProbes(app: FastifyInstance, options: { databaseKind: string; dependencies: Dependency[] }): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const results = await Promise.all(
      options.dependencies.map(
        async ({ name, check }) =>
          [
            name,
            await check().then(
              () => 'ok' as const,
              () => 'unavailable' as const,
            ),
          ] as const,
      ),
    );
    const failed = results.filter(([, result]) => result !== 'ok').map(([name]) => name);
    const body = { status: failed.length ? 'unavailable' : 'ready', database: options.databaseKind, checks: Object.fromEntries(results) };
    if (failed.length === 0) return body;
    return reply
      .code(503)
      .header('retry-after', '5')
      .send({ ...body, failed });
  });
}
