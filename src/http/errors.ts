import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, graphqlExtensions, restErrorBody, retryAfterHeader } from '../errors.ts';
import { redactSecrets } from '../keys/secrets.ts';

// HTTP-level refusals (body too large, bad JSON, rate limit, database down) happen before GraphQL or
// the REST adapter run, yet each client must get the error shape it already parses: hooks THROW an
// AppError and the error handler of the route's scope renders it — GraphQL clients
// `{ errors: [{ message, extensions: { code, …details } }] }` here, REST clients `{ error: { code,
// message, details } }` here or in the adapter's handler (JSON-RPC envelopes included).

export function isGraphqlRequest(request: FastifyRequest): boolean {
  const path = (request.routeOptions?.url ?? request.url).split('?')[0] ?? '';
  return path === '/graphql' || path.startsWith('/graphql/');
}

/** Status and Retry-After of an error response. */
export function errorStatus(reply: FastifyReply, error: AppError): FastifyReply {
  const retryAfter = retryAfterHeader(error);
  if (retryAfter !== undefined) void reply.header('retry-after', retryAfter);
  return reply.code(error.status);
}

/** Send a JSON error in the caller's shape. */
export function sendHttpError(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  const body = isGraphqlRequest(request)
    ? { errors: [{ message: error.message, extensions: graphqlExtensions(error) }] }
    : restErrorBody(error);
  return errorStatus(reply, error).type('application/json; charset=utf-8').send(body);
}

/** The answer to an unknown route: it never repeats the path, which may carry a key pasted in the wrong place. */
export const noRoute = () => new AppError(404, 'NOT_FOUND', 'No route matches this method and path.');

/**
 * The edges every error response shares, whatever produced it: unknown routes answer `noRoute`
 * (Fastify's own 404 body repeats the path), and the body of every 4xx and 5xx response is
 * redacted (src/keys/secrets.ts) before it leaves, so no message that quotes a path, a header or
 * a body (JSON syntax errors quote the text) can send a key back. Root hooks: they apply to every
 * scope registered after.
 */
export function registerErrorEdges(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => sendHttpError(request, reply, noRoute()));
  app.addHook('onSend', async (_request, reply, payload) =>
    reply.statusCode >= 400 && typeof payload === 'string' ? redactSecrets(payload) : payload,
  );
}
