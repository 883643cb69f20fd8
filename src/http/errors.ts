import type { FastifyReply, FastifyRequest } from 'fastify';

// HTTP-level refusals (body too large, bad JSON, rate limit, database down) happen before GraphQL or
// the REST adapter run, yet each client must get the error shape it already parses:
// GraphQL clients `{ errors: [{ message, extensions: { code, …details } }] }`, REST clients
// (Hightouch) `{ error: { code, message, details } }`. Hooks THROW an HttpError; the error handler
// of the route's scope renders it (src/http/body.ts for /graphql, the adapter's own for
// /hightouch/v1, which maps HttpError to its error type, JSON-RPC envelopes included).

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    /** Also sent as the Retry-After header. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export function isGraphqlRequest(request: FastifyRequest): boolean {
  const path = (request.routeOptions?.url ?? request.url).split('?')[0] ?? '';
  return path === '/graphql' || path.startsWith('/graphql/');
}

/** Send a JSON error in the caller's shape; `retryAfterSeconds` also becomes the Retry-After header. */
export function sendHttpError(request: FastifyRequest, reply: FastifyReply, error: HttpError): FastifyReply {
  const { code, message, details, retryAfterSeconds } = error;
  if (retryAfterSeconds !== undefined) void reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterSeconds))));
  const all = retryAfterSeconds === undefined ? details : { ...details, retryAfterSeconds };
  const body = isGraphqlRequest(request)
    ? { errors: [{ message, extensions: { code, ...all } }] }
    : { error: { code, message, ...(Object.keys(all).length > 0 ? { details: all } : {}) } };
  return reply.code(error.statusCode).type('application/json; charset=utf-8').send(body);
}
