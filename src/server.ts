import { fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Config } from './config.ts';
import { type AppDeps, type Clock, type Context, createContext, systemClock } from './context.ts';
import type { Database } from './db/client.ts';
import { unauthenticated } from './errors.ts';
import { createApollo, executeOperation } from './graphql/apollo.ts';
import { rateClassPlugin } from './graphql/auth.ts';
import { persistedQueryStore } from './graphql/persisted-queries.ts';
import { readGate, readGatePlugin } from './graphql/read-gate.ts';
import { registerHightouchRoutes } from './hightouch/routes.ts';
import type { AppServer } from './http/app.ts';
import { registerErrorHandler, registerGraphqlBatchLimit, registerJsonBodyParser } from './http/body.ts';
import { registerCors } from './http/cors.ts';
import { type Dependency, registerProbes } from './http/health.ts';
import { type Ide, registerIde, wantsHtml } from './http/ide.ts';
import { type RateLimiter, registerRateLimit } from './http/rate-limit.ts';
import { registerGracefulClose } from './http/shutdown.ts';
import { registerViewsPage } from './http/views-page.ts';
import type { Principal } from './keys/models.ts';
import { authenticate, bearerSecret } from './keys/service.ts';
import { observabilityPlugin } from './observability/graphql.ts';
import { loggableError, RequestLogController, registerObservability, requestId, safePath } from './observability/http.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { bindContext } from './observability/request.ts';
import { registerHttpTracing, tracingPlugin } from './observability/tracing.ts';
import { createFolder, type Folder } from './rollups/fold.ts';

export interface ServerOptions {
  config: Config;
  database: Database;
  /** Logger options or instance for Fastify (tests pass their own to capture lines). */
  logger?: unknown;
  /** "Now" for the whole server (tests pin it); the system clock by default. */
  now?: Clock;
}

export function defaultLogger(config: Config) {
  return {
    level: config.logLevel,
    // Secrets never reach the logs, whatever a serializer later decides to include.
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.secret'], censor: '[redacted]' },
    ...(process.stdout.isTTY && config.logLevel !== 'silent'
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true } } }
      : {}),
  };
}

export type { AppServer };

/** The HTTP server: Fastify with every route, the GraphQL server and the Hightouch adapter, in the order they must be set up. */
export async function buildServer(options: ServerOptions): Promise<AppServer> {
  const { config, database } = options;
  const app = createFastify(options);
  const metrics = createMetrics(database);
  // Hooks first (they apply to the routes declared after them): traces, logs and metrics, CORS.
  registerHttpTracing(app, safePath);
  registerObservability(app, { metrics, config });
  await registerCors(app, config.corsOrigins);
  registerJsonBodyParser(app, config.limits.maxJsonDepth);
  registerErrorHandler(app, config.limits.maxBodyBytes);
  registerGraphqlBatchLimit(app, config.graphqlLimits.maxBatch);
  registerGracefulClose(app);

  const auth = requestAuthentication(database);
  const rateLimiter = registerRateLimit(app, config, auth.authenticateRequest, {
    skip: (request) => request.method === 'GET' && config.graphqlIde && wantsHtml(request),
  });
  registerProbes(app, { databaseKind: database.kind, dependencies: dependencies(database, metrics, rateLimiter) });

  const folder = startFolder(app, database, config, metrics);
  const deps: AppDeps = { database, config, log: app.log, folder, now: options.now ?? systemClock };
  const apollo = await startApollo(app, config, metrics, rateLimiter);
  const contextFor = (request: FastifyRequest, principal: Principal): Context => {
    const ctx: Context = { ...createContext(deps, principal), log: request.log };
    bindContext(ctx, request, principal);
    return ctx;
  };
  await registerGraphqlRoute(app, config, apollo, async (request) => {
    const principal = await auth.authenticateRequest(request);
    if (!principal) throw unauthenticated();
    return contextFor(request, principal);
  });

  const execute: AppServer['execute'] = (ctx, document, variables) => executeOperation(apollo, ctx, document, variables);
  const server: AppServer = { app, config, execute, ...auth, rateLimiter, contextFor, deps };
  await registerHightouchRoutes(server);

  // Fastify's close() stops accepting connections and waits for in-flight requests (the drain);
  // Apollo is stopped after that. (Apollo's Fastify drain plugin would call close() re-entrantly.)
  app.addHook('onClose', async () => {
    await apollo.stop();
    await folder.stop();
  });
  return server;
}

/**
 * The fold of this process (src/rollups/fold.ts): background folds after ingest calls, catch-up
 * before reads, and a sweep of what other instances left, now and every FOLD_SWEEP_MS.
 */
function startFolder(app: FastifyInstance, database: Database, config: Config, metrics: Metrics): Folder {
  const folder = createFolder(database.db, {
    maxUnfoldedEvents: config.limits.maxUnfoldedEvents,
    exactDistinctValues: config.limits.exactDistinctValues,
    sweepMs: config.limits.foldSweepMs,
    onError: (error) => app.log.error({ err: error }, 'fold failed; what it had taken stays queued for the next fold'),
    onHeld: (seconds) => metrics.observeBackpressure(seconds),
  });
  void folder.sweep();
  return folder;
}

function createFastify(options: ServerOptions): FastifyInstance {
  const { config } = options;
  return Fastify({
    logger: (options.logger ?? defaultLogger(config)) as never,
    bodyLimit: config.limits.maxBodyBytes,
    // X-Forwarded-For is believed only from the proxies the operator names (TRUST_PROXY); by
    // default any client could otherwise choose the address that is logged and rate-limited.
    trustProxy: config.trustProxy as boolean, // the union type confuses Fastify's overloads; all forms are accepted
    // Requests arriving while closing are answered by src/http/shutdown.ts (503 with Retry-After).
    return503OnClosing: false,
    // One line per request, written by the onResponse hook of src/observability/http.ts.
    logController: new RequestLogController(),
    genReqId: requestId,
  });
}

/** Who is calling: the key from the Authorization header (or the path, on routes that carry it), looked up once per request. */
function requestAuthentication(database: Database) {
  // Cached per request: the rate limiter, the GraphQL context and the REST adapter all ask.
  const principals = new WeakMap<FastifyRequest, Promise<Principal | undefined>>();
  const requestSecret = (request: FastifyRequest): string | undefined => {
    const header = bearerSecret(request.headers.authorization);
    if (header !== undefined || !request.routeOptions.config?.keyInPath) return header;
    const key = (request.params as { key?: unknown } | undefined)?.key;
    return typeof key === 'string' && key !== '' ? key : undefined;
  };
  const authenticateKey = (secret: string | undefined) => authenticate(database.db, secret);
  const authenticateRequest = (request: FastifyRequest) => {
    let principal = principals.get(request);
    if (!principal) {
      principal = authenticateKey(requestSecret(request));
      principals.set(request, principal);
    }
    return principal;
  };
  return { requestSecret, authenticateKey, authenticateRequest };
}

/** What /readyz checks: the database, and Redis when the rate-limit buckets live there. */
function dependencies(database: Database, metrics: Metrics, rateLimiter: RateLimiter): Dependency[] {
  const databaseCheck: Dependency = { name: 'database', check: () => metrics.timeDatabase('readiness', () => database.ping()) };
  const ping = rateLimiter.ping;
  return ping ? [databaseCheck, { name: 'redis', check: ping }] : [databaseCheck];
}

async function startApollo(app: FastifyInstance, config: Config, metrics: Metrics, rateLimiter: RateLimiter) {
  const apollo = createApollo({
    introspection: config.introspection,
    persistedQueries: persistedQueryStore(),
    limits: config.graphqlLimits,
    onUnexpectedError: (error) => app.log.error({ err: loggableError(error) }, 'unexpected error in GraphQL operation'),
    plugins: [
      rateClassPlugin((ctx, rateClass) => rateLimiter.charge(ctx.principal, rateClass, 1)),
      observabilityPlugin(metrics),
      tracingPlugin(),
      // Reads catch their workspace up first: they answer as if everything acknowledged were folded.
      readGatePlugin(readGate(config.readConcurrency), (ctx) => ctx.folder.catchUp(ctx.workspaceId)),
    ],
  });
  await apollo.start();
  return apollo;
}

/** POST /graphql (and GET for API clients); browsers asking for HTML get the IDE, and /views its page. */
async function registerGraphqlRoute(
  app: FastifyInstance,
  config: Config,
  apollo: Awaited<ReturnType<typeof startApollo>>,
  context: (request: FastifyRequest) => Promise<Context>,
): Promise<void> {
  const graphqlHandler = fastifyApolloHandler(apollo, { context });
  const ide: Ide | undefined = config.graphqlIde ? await registerIde(app) : undefined;
  if (config.graphqlIde) await registerViewsPage(app);
  app.route({
    method: ['GET', 'POST', 'OPTIONS'],
    url: '/graphql',
    handler: async (request, reply) => {
      if (request.method === 'GET' && ide && wantsHtml(request)) return ide.sendPage(reply);
      return graphqlHandler.call(app, request as never, reply as never);
    },
  });
}
