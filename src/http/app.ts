import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { AppDeps, Context } from '../context.ts';
import type { TypedDocument } from '../graphql/apollo.ts';
import type { Principal } from '../keys/models.ts';
import type { RateLimiter } from './rate-limit.ts';

/**
 * What the server offers the transports mounted on it (the Hightouch adapter): built by
 * `buildServer`, declared here so that the transports depend on this contract, not on the server.
 */
export interface AppServer {
  app: FastifyInstance;
  config: Config;
  /**
   * Run a typed operation with a caller's context (how the Hightouch adapter reaches the
   * mutations): its data, or the AppError it failed with.
   */
  execute<TResult, TVariables extends Record<string, unknown>>(
    ctx: Context,
    document: TypedDocument<TResult, TVariables>,
    variables: TVariables,
  ): Promise<TResult>;
  /** Authenticate a request's key (see `requestSecret`); undefined when missing, invalid, revoked or expired. */
  authenticateRequest(request: FastifyRequest): Promise<Principal | undefined>;
  /** The key a request carries: `Authorization: Bearer <key>`, else the `:key` of a route declared with `keyInPath`. */
  requestSecret(request: FastifyRequest): string | undefined;
  /** Authenticate a key that arrived some other way (a Hightouch configuration's `api_key`): the same rules. */
  authenticateKey(secret: string | undefined): Promise<Principal | undefined>;
  /** The one authentication step and the per-key token buckets, for handlers that authenticate and charge per call (JSON-RPC batches). */
  rateLimiter: RateLimiter;
  contextFor(request: FastifyRequest, principal: Principal): Context;
  /** What every request's context is built from (the database, configuration, fold and clock). */
  deps: AppDeps;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's `:key` path parameter carries the API key (for clients that cannot send headers). */
    keyInPath?: boolean;
  }
}
