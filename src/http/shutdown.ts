import type { FastifyInstance } from 'fastify';

// Graceful close: Fastify's close() stops listening, drops the keep-alive connections idle at that
// moment, answers requests arriving on other open connections with 503, and waits for in-flight
// requests. A connection whose request finishes AFTER that moment would then stay open as
// keep-alive until its timeout (72 s), holding the process past any shutdown deadline; so idle
// connections are swept until the server is closed.

export function registerGracefulClose(app: FastifyInstance): void {
  let sweeper: NodeJS.Timeout | undefined;
  app.addHook('preClose', async () => {
    sweeper = setInterval(() => app.server.closeIdleConnections(), 100);
    sweeper.unref();
  });
  app.addHook('onClose', async () => {
    if (sweeper) clearInterval(sweeper);
  });
}
