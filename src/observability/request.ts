import type { FastifyRequest } from 'fastify';
import type { Principal } from '../keys/models.ts';

/**
 * Fields added to a request's single log line. Code that handles a request writes here instead of
 * logging its own lines: `request.logFields.something = value` (or `annotate(ctx, {...})` from a
 * resolver). Never put secrets here.
 */
export interface LogFields {
  workspaceId?: string;
  /** Display prefix of the API key (`cor_AbC123`), never the secret. */
  keyPrefix?: string;
  /** GraphQL operation name (`anonymous` when unnamed). */
  operation?: string;
  operationType?: string;
  /** Estimated cost of the GraphQL operation (src/graphql/limits.ts). */
  cost?: number;
  /** Ingested records by object and status, e.g. `{ account: { created: 3, rejected: 1 } }`. */
  records?: Record<string, Record<string, number>>;
  [extra: string]: unknown;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** This request's contribution to its log line (see src/observability/request.ts). */
    logFields: LogFields;
  }
}

// Contexts are built by server.contextFor(request, …); resolvers only see the context, so this is
// how they reach their request (and through it the server's metrics) without widening Context.
// An enumerable symbol property, because Apollo hands resolvers a shallow copy of the context.
const REQUEST = Symbol('fastify request');

/** Link a GraphQL context to the HTTP request it serves, and note who is calling. */
export function bindContext(ctx: object, request: FastifyRequest, principal: Principal): void {
  (ctx as { [REQUEST]?: FastifyRequest })[REQUEST] = request;
  request.logFields.workspaceId = principal.workspace.id;
  request.logFields.keyPrefix = principal.key.prefix;
}

/** The HTTP request a context serves; undefined for contexts built without one (internal jobs, unit tests). */
export function requestOf(ctx: object): FastifyRequest | undefined {
  return (ctx as { [REQUEST]?: FastifyRequest })[REQUEST];
}

/** Add fields to the log line of the request serving `ctx` (no-op without a request). */
export function annotate(ctx: object, fields: LogFields): void {
  const request = requestOf(ctx);
  if (request) Object.assign(request.logFields, fields);
}
