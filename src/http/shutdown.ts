import type { FastifyInstance } from 'fastify';

// Graceful close: Fastify's close() stops listening, drops the keep-alive connections idle at that
// moment, answers requests arriving on other open connections with 503, and waits for in-flight
// requests. A connection whose request finishes AFTER that moment would then stay open as
// keep-alive until its timeout (72 s), holding the process past any shutdown deadline; so idle
// connections are swept until the server is closed.

//
// Requests that still arrive on an open connection while closing get our own 503 (instead of
// Fastify's bare one) with Retry-After, so Hightouch and other clients retry the batch later.

const RETRY_AFTER_SECONDS = 5;

export function registerGracefulClose(app: FastifyInstance): void {
  let sweeper: NodeJS.Timeout | undefined;
  let closing = false;
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    return reply
      .code(503)
      .header('retry-after', String(RETRY_AFTER_SECONDS))
      .header('connection', 'close')
      .send({
        error: { code: 'SERVICE_UNAVAILABLE', message: 'The server is shutting down; nothing of this request was processed. Retry.' },
      });
  });
  app.addHook('preClose', async () => {
    closing = true;
    sweeper = setInterval(() => app.server.closeIdleConnections(), 100);
    sweeper.unref();
  });
  app.addHook('onClose', async () => {
    if (sweeper) clearInterval(sweeper);
  });
}
