import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppServer } from '../http/app.ts';
import { noRoute } from '../http/errors.ts';
import { destinationMethods } from './destination.ts';
import { toAdapterError } from './errors.ts';
import { installBodyHandling } from './http.ts';
import { errorResponse, handleJsonRpc, INVALID_REQUEST, PARSE_ERROR, rpcErrorFor } from './jsonrpc.ts';
import { registerOpenApi } from './openapi.ts';
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
      scope.setErrorHandler((error, request, reply) => sendRestError(reply, toAdapterError(error, request.log, maxBodyBytes)));
      // The path is not repeated: it may carry a key pasted in the wrong place.
      scope.setNotFoundHandler((_request, reply) => sendRestError(reply, noRoute()));

      await registerOpenApi(scope, HIGHTOUCH_PREFIX);
      registerRestRoutes(scope, server);
      scope.get('/openapi.json', async () => scope.swagger());
      methodNotAllowed(scope, '/openapi.json', ['GET']);

      await scope.register(async (rpc) => registerRpc(rpc, server, maxBodyBytes));
    },
    { prefix: HIGHTOUCH_PREFIX },
  );
}

function registerRpc(scope: FastifyInstance, server: AppServer, maxBodyBytes: number): void {
  // Failures before a call is read (body size, JSON syntax, a limit of the HTTP layer) are
  // answered in JSON-RPC form too, with id null and HTTP 200 (see jsonrpc.ts); only a body that
  // is not JSON keeps its 415, as a jayson server answers.
  scope.setErrorHandler((error, request, reply) => {
    const failure = toAdapterError(error, request.log, maxBodyBytes);
    if (failure.code === 'INVALID_PAYLOAD') {
      return reply
        .code(200)
        .send(errorResponse(null, { code: PARSE_ERROR, message: 'Parse error', data: { ...failure.details, message: failure.message } }));
    }
    if (failure.status === 415) {
      return reply.code(415).send(errorResponse(null, { code: INVALID_REQUEST, message: failure.message, data: { code: failure.code } }));
    }
    if (failure.retryAfterSeconds !== undefined) reply.header('retry-after', String(failure.retryAfterSeconds));
    return reply.code(200).send(errorResponse(null, rpcErrorFor(failure)));
  });

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.body === undefined) {
      return reply.send(errorResponse(null, { code: PARSE_ERROR, message: 'Parse error', data: { message: 'The body is empty.' } }));
    }
    const { methods, admit } = destinationMethods(server, request);
    const outcome = await handleJsonRpc(request.body, {
      methods,
      admit,
      log: request.log,
      maxCalls: server.config.limits.maxRpcBatchCalls,
    });
    if (outcome.retryAfterSeconds !== undefined) reply.header('retry-after', String(outcome.retryAfterSeconds));
    if (outcome.body === undefined) return reply.code(204).send();
    return reply.send(outcome.body);
  };
  // The key travels in the Authorization header, in the URL (for set-ups that cannot add headers),
  // or as the api_key option of each call's configuration; the tokens are charged per call.
  scope.post('/rpc', { config: { rateLimitPerCall: true } }, handler);
  scope.post('/rpc/:key', { config: { rateLimitPerCall: true, keyInPath: true } }, handler);
  methodNotAllowed(scope, '/rpc', ['POST']);
  methodNotAllowed(scope, '/rpc/:key', ['POST']);
}
