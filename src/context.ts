import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.ts';
import type { Database, Db } from './db/client.ts';
import { forbidden } from './errors.ts';
import type { Principal, Scope } from './keys/models.ts';

/**
 * What a request asks of the fold (src/rollups/fold.ts implements it), declared here so that the
 * context names no domain: ingest calls say what they stored, reads catch up first.
 */
export interface FoldService {
  /** After an ingest call stored events: fold them in the background, or now when `unfolded` reached the bound. */
  eventsStored(workspaceId: string, unfolded: number): Promise<void>;
  /** After an ingest call changed accounts or users: fold their catalog statistics in the background. */
  recordsChanged(workspaceId: string): void;
  /** Fold everything of the workspace acknowledged before this call (a read's first step). */
  catchUp(workspaceId: string): Promise<void>;
  /** Resolves once no background fold of this process is running (tests: a call and its fold as one step). */
  idle(): Promise<void>;
}

/** The one source of "now" for the whole server: windows, measures, views, ingestion. Tests pin it. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** Everything a resolver may use. Built fresh for every request by `createContext`. */
export interface Context {
  db: Db;
  database: Database;
  config: Config;
  principal: Principal;
  /** Shorthand for principal.workspace.id: every query filters by it. */
  workspaceId: string;
  log: FastifyBaseLogger;
  /** Applies what is derived from stored records; reads catch it up first (src/rollups/fold.ts). */
  folder: FoldService;
  /** The current instant: the same for every part of the server, pinned by tests. */
  now: Clock;
}

export interface AppDeps {
  database: Database;
  config: Config;
  log: FastifyBaseLogger;
  folder: FoldService;
  now: Clock;
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
    folder: deps.folder,
    now: deps.now,
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
