import type { FastifyReply, FastifyRequest } from 'fastify';
import { type AppError, graphqlExtensions, restErrorBody, retryAfterHeader } from '../errors.ts';

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
