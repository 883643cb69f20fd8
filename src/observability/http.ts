import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Config } from '../config.ts';
import { redactSecrets } from '../keys/secrets.ts';
import type { Metrics } from './metrics.ts';
import './request.ts';

// Probes are polled every few seconds: their lines would drown the useful ones at `info`.
const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify `genReqId`: keep a well-formed X-Request-Id from the load balancer, else a new UUID. */
export function requestId(raw: IncomingMessage): string {
  const incoming = raw.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * A request's path as it may be logged or shown: no query string (it can carry whole GraphQL
 * documents), the route template for routes whose path carries the key, and anything that is or
 * decodes to something shaped like a key redacted elsewhere (src/keys/secrets.ts).
 */
export function safePath(request: FastifyRequest): string {
  const template = request.routeOptions?.url;
  if (template && (request.routeOptions.config?.keyInPath || template.includes(':key'))) return template;
  return redactSecrets(request.url.split('?', 1)[0] ?? '');
}

/**
 * An error as it may be logged: its message and stack redacted like a path (a body, header or
 * path the message quotes could hold a key), its type and code kept. Pino logs it as given.
 */
export function loggableError(error: unknown): unknown {
  if (!(error instanceof Error)) return typeof error === 'string' ? redactSecrets(error) : error;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  return {
    type: error.name,
    message: redactSecrets(error.message),
    ...(error.stack ? { stack: redactSecrets(error.stack) } : {}),
    ...(code !== undefined ? { code } : {}),
    ...(statusCode !== undefined ? { statusCode } : {}),
    ...(error.cause !== undefined ? { cause: loggableError(error.cause) } : {}),
  };
}

/**
 * Replaces Fastify's "incoming request" / "request completed" / "route not found" lines with the
 * single line of the onResponse hook. 5xx errors keep their own error line (with the stack);
 * a 4xx error's message goes on the request line instead.
 */
export class RequestLogController extends LogController {
  override incomingRequest(): void {}
  override routeNotFound(): void {}
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    // Without an error the onResponse hook has written (or will write) the line.
    if (error) reply.log.error({ err: loggableError(error), path: safePath(request) }, 'response failed');
  }
  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    if (reply.statusCode >= 500) {
      reply.log.error({ err: loggableError(error) }, redactSecrets(error?.message ?? ''));
      return;
    }
    request.logFields ??= {};
    request.logFields.error = redactSecrets(error?.message ?? '');
  }
}

/**
 * Request logging (one line per request, replacing Fastify's two), HTTP metrics and GET /metrics.
 * Hooks are added to the root instance, so call this before declaring routes.
 */
/**
 * The requests the server makes to itself before it listens (`warmPages` in src/http/static.ts)
 * carry this header: logged at debug, not counted in the metrics. Its value is this process's own,
 * so no client can pass for one.
 */
export const WARM_UP = { header: 'x-warm-up', value: randomUUID() } as const;

export function registerObservability(app: FastifyInstance, options: { metrics: Metrics; config: Config }): void {
  const { metrics, config } = options;
  app.decorate('metrics', metrics);
  app.decorateRequest('logFields', null as never);

  app.addHook('onRequest', async (request, reply) => {
    request.logFields = {};
    reply.header('x-request-id', request.id);
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const statusCode = reply.statusCode;
    const warmUp = request.headers[WARM_UP.header] === WARM_UP.value;
    if (!warmUp) metrics.observeRequest(request.method, route, statusCode, reply.elapsedTime / 1000);
    const level = statusCode >= 500 ? 'error' : warmUp || QUIET_ROUTES.has(route) ? 'debug' : 'info';
    const path = safePath(request);
    request.log[level](
      {
        method: request.method,
        path,
        statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        ip: request.ip,
        ...request.logFields,
      },
      `${request.method} ${path} ${statusCode}`,
    );
  });

  // The metrics name every workspace's operations: with METRICS_TOKEN set they need it; without,
  // only a scraper on this machine gets them (see directLoopback).
  app.get('/metrics', async (request, reply) => {
    if (config.metricsToken && !tokenMatches(request.headers.authorization, config.metricsToken)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="metrics"')
        .send({ error: 'Unauthorized', message: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>.' });
    }
    if (!config.metricsToken && !directLoopback(request)) {
      return reply.code(403).send({
        error: 'Forbidden',
        message:
          'GET /metrics answers clients on this machine only; set METRICS_TOKEN to scrape it from elsewhere with Authorization: Bearer <token>.',
      });
    }
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).header('cache-control', 'no-store').send(body);
  });
}

/**
 * A client on this machine talking to us directly: the TCP peer is a loopback address (whatever
 * TRUST_PROXY says) and the request carries no forwarding header, since a reverse proxy on the
 * same machine would otherwise make every outside client look local.
 */
function directLoopback(request: FastifyRequest): boolean {
  const peer = request.raw.socket?.remoteAddress ?? '';
  const loopback = peer === '::1' || /^(::ffff:)?127\./.test(peer);
  const forwarded = ['forwarded', 'x-forwarded-for', 'x-real-ip'].some((h) => request.headers[h] !== undefined);
  return loopback && !forwarded;
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1] ?? '';
  // Compare digests: constant time whatever the lengths.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(token));
}
