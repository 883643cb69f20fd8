import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.ts';
import type { Database, Db } from './db/client.ts';
import { forbidden } from './errors.ts';
import type { Principal, Scope } from './keys/models.ts';

/** Everything a resolver may use. Built fresh for every request by `createContext`. */
export interface Context {
  db: Db;
  database: Database;
  config: Config;
  principal: Principal;
  /** Shorthand for principal.workspace.id: every query filters by it. */
  workspaceId: string;
  log: FastifyBaseLogger;
}

export interface AppDeps {
  database: Database;
  config: Config;
  log: FastifyBaseLogger;
}

export function createContext(deps: AppDeps, principal: Principal): Context {
  const db = deps.database.db;
  const workspaceId = principal.workspace.id;
  return {
    db,
    database: deps.database,
    config: deps.config,
    principal,
    workspaceId,
    log: deps.log,
  };
}

export function requireScope(ctx: Context, scope: Scope): void {
  if (!ctx.principal.scopes.includes(scope)) throw forbidden(scope);
}

/**
 * Per-request state built on first use and cached for that request only (each domain's DataLoaders:
 * `catalogLoaders(ctx)`, `insightsLoaders(ctx)`), so the context needs to know no domain.
 */
export function perRequest<T>(create: (ctx: Context) => T): (ctx: Context) => T {
  const built = new WeakMap<Context, T>();
  return (ctx) => {
    let value = built.get(ctx);
    if (value === undefined) {
      value = create(ctx);
      built.set(ctx, value);
    }
    return value;
  };
}
