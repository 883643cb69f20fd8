import { fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { ExecutionResult } from 'graphql';
import type { Config } from './config.ts';
import { type Context, createContext } from './context.ts';
import type { Database } from './db/client.ts';
import { unauthenticated } from './errors.ts';
import { createApollo } from './graphql/apollo.ts';
import { registerHightouchRoutes } from './hightouch/routes.ts';
import { renderIdePage, wantsHtml } from './http/ide.ts';
import type { Principal } from './keys/models.ts';
import { authenticate, bearerSecret } from './keys/service.ts';

export interface ServerOptions {
  config: Config;
  database: Database;
  /** Logger options or instance for Fastify (tests pass their own to capture lines). */
  logger?: unknown;
}

export interface AppServer {
  app: FastifyInstance;
  /** Run a GraphQL operation with a caller's context: how the Hightouch adapter reaches the mutations. */
  execute(ctx: Context, query: string, variables?: Record<string, unknown>): Promise<ExecutionResult>;
  /** Authenticate a request's bearer key; undefined when missing, invalid, revoked or expired. */
  authenticateRequest(request: FastifyRequest): Promise<Principal | undefined>;
  contextFor(request: FastifyRequest, principal: Principal): Context;
}

export function defaultLogger(config: Config) {
  return {
    level: config.logLevel,
    // Secrets never reach the logs, whatever a serializer later decides to include.
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.secret'], censor: '[redacted]' },
    ...(process.stdout.isTTY && config.logLevel !== 'silent'
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } }
      : {}),
  };
}

export async function buildServer(options: ServerOptions): Promise<AppServer> {
  const { config, database } = options;
  const app = Fastify({
    logger: (options.logger ?? defaultLogger(config)) as never,
    bodyLimit: config.limits.maxBodyBytes,
    trustProxy: true,
    return503OnClosing: true,
  });

  const apollo = createApollo({
    introspection: config.introspection,
    onUnexpectedError: (error) => app.log.error({ err: error }, 'unexpected error in GraphQL operation'),
  });
  await apollo.start();

  const deps = { database, config, log: app.log };
  const contextFor = (request: FastifyRequest, principal: Principal): Context => ({ ...createContext(deps, principal), log: request.log });
  const authenticateRequest = (request: FastifyRequest) => authenticate(database.db, bearerSecret(request.headers.authorization));

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await database.ping();
      return { status: 'ready', database: database.kind };
    } catch {
      return reply.code(503).header('retry-after', '5').send({ status: 'unavailable', database: database.kind });
    }
  });

  const graphqlHandler = fastifyApolloHandler(apollo, {
    context: async (request) => {
      const principal = await authenticateRequest(request);
      if (!principal) throw unauthenticated();
      return contextFor(request, principal);
    },
  });
  app.route({
    method: ['GET', 'POST', 'OPTIONS'],
    url: '/graphql',
    handler: async (request, reply) => {
      if (request.method === 'GET' && config.graphqlIde && wantsHtml(request)) {
        return reply.type('text/html; charset=utf-8').send(renderIdePage());
      }
      return graphqlHandler.call(app, request as never, reply as never);
    },
  });

  const execute: AppServer['execute'] = async (ctx, query, variables) => {
    const response = await apollo.executeOperation({ query, variables: variables ?? {} }, { contextValue: ctx });
    if (response.body.kind !== 'single') throw new Error('Incremental delivery is not used by internal operations');
    return response.body.singleResult as ExecutionResult;
  };

  const server: AppServer = { app, execute, authenticateRequest, contextFor };
  await registerHightouchRoutes(server);

  // Fastify's close() stops accepting connections and waits for in-flight requests (the drain);
  // Apollo is stopped after that. (Apollo's Fastify drain plugin would call close() re-entrantly.)
  app.addHook('onClose', async () => {
    await apollo.stop();
  });
  return server;
}
