import type { FastifyInstance } from 'fastify';
import type { AppServer } from '../server.ts';
import { destinationMethods } from './destination.ts';
import { HightouchError, toHightouchError } from './errors.ts';
import { authenticate, callerOf, errorHeaders, installBodyHandling } from './http.ts';
import { errorResponse, handleJsonRpc, INVALID_REQUEST, PARSE_ERROR, rpcErrorFor } from './jsonrpc.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { methodNotAllowed, registerRestRoutes, sendRestError } from './rest.ts';

export const HIGHTOUCH_PREFIX = '/hightouch/v1';

/**
 * The Hightouch REST destination API and Embedded Destination JSON-RPC endpoint under
 * /hightouch/v1, in their own encapsulated scope: their body parsers, validator and error
 * handlers never change how /graphql behaves.
 */
export async function registerHightouchRoutes(server: AppServer): Promise<void> {
  await server.app.register(
    async (scope) => {
      const maxBodyBytes = scope.initialConfig.bodyLimit ?? 1024 * 1024;
      installBodyHandling(scope, maxBodyBytes);
      scope.setErrorHandler((error, request, reply) => sendRestError(reply, toHightouchError(error, request.log, maxBodyBytes)));
      scope.setNotFoundHandler((request, reply) =>
        sendRestError(reply, new HightouchError(404, 'NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`)),
      );

      const routes = registerRestRoutes(scope, server);
      const document = buildOpenApiDocument(routes, HIGHTOUCH_PREFIX);
      scope.get('/openapi.json', async () => document);
      methodNotAllowed(scope, '/openapi.json', ['GET']);

      await scope.register(async (rpc) => registerRpc(rpc, server, maxBodyBytes));
    },
    { prefix: HIGHTOUCH_PREFIX },
  );
}

function registerRpc(scope: FastifyInstance, server: AppServer, maxBodyBytes: number): void {
  // Failures before a call is read (key, body size, media type, JSON syntax) are answered in
  // JSON-RPC form too, with id null.
  scope.setErrorHandler((error, request, reply) => {
    const failure = toHightouchError(error, request.log, maxBodyBytes);
    if (failure.code === 'INVALID_PAYLOAD') {
      return reply
        .code(200)
        .send(errorResponse(null, { code: PARSE_ERROR, message: 'Parse error', data: { ...failure.details, message: failure.message } }));
    }
    const body =
      failure.status === 415 ? { code: INVALID_REQUEST, message: failure.message, data: { code: failure.code } } : rpcErrorFor(failure);
    return errorHeaders(reply, failure).send(errorResponse(null, body));
  });

  scope.post('/rpc', { onRequest: authenticate(server) }, async (request, reply) => {
    if (request.body === undefined) {
      return reply.send(errorResponse(null, { code: PARSE_ERROR, message: 'Parse error', data: { message: 'The body is empty.' } }));
    }
    const caller = callerOf(server, request);
    const outcome = await handleJsonRpc(request.body, destinationMethods(caller), request.log);
    if (outcome.failure) errorHeaders(reply, outcome.failure);
    if (outcome.body === undefined) return reply.code(outcome.failure ? reply.statusCode : 204).send();
    return reply.send(outcome.body);
  });
  methodNotAllowed(scope, '/rpc', ['POST']);
}
