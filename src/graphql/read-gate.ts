import type { ApolloServerPlugin } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Context } from '../context.ts';

/**
 * At most `perWorkspace` queries of one workspace run at once in this process, so one tenant's
 * slow reads cannot hold the whole database pool (10 connections) while others wait. A query over
 * the bound waits, first come first served, up to `queueTimeoutMs` for a slot; one still waiting
 * then (or arriving when `maxQueued` already wait) is refused with 429 `RATE_LIMITED`
 * (`reason: CONCURRENT_READS`, Retry-After 1 s) before it runs. Mutations are not gated: ingestion
 * is bounded by its own batch limits and must not queue behind dashboards.
 */
export interface ReadGateOptions {
  perWorkspace: number;
  queueTimeoutMs: number;
  maxQueued: number;
}

interface Lane {
  active: number;
  waiting: Array<(granted: boolean) => void>;
}

export interface ReadGate {
  /** Resolves with the slot's release function, or throws the 429 GraphQLError. */
  acquire(workspaceId: string): Promise<() => void>;
  /** Queries running and waiting for a workspace (tests, metrics). */
  load(workspaceId: string): { active: number; waiting: number };
}

function refused(options: ReadGateOptions, waited: boolean): GraphQLError {
  const message = waited
    ? `This workspace already runs ${options.perWorkspace} queries at once and this one waited ${options.queueTimeoutMs} ms for a slot; retry in 1 s.`
    : `This workspace already runs ${options.perWorkspace} queries at once with ${options.maxQueued} more waiting; retry in 1 s.`;
  return new GraphQLError(message, {
    extensions: {
      code: 'RATE_LIMITED',
      reason: 'CONCURRENT_READS',
      limit: options.perWorkspace,
      retryAfterSeconds: 1,
      http: { status: 429, headers: new HeaderMap([['retry-after', '1']]) },
    },
  });
}

export function readGate(options: ReadGateOptions): ReadGate {
  const lanes = new Map<string, Lane>();

  const release = (workspaceId: string, lane: Lane) => {
    const next = lane.waiting.shift();
    if (next) return next(true); // the slot passes straight to the next in line
    lane.active--;
    if (lane.active === 0) lanes.delete(workspaceId);
  };
  const slot = (workspaceId: string, lane: Lane) => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release(workspaceId, lane);
    };
  };

  return {
    async acquire(workspaceId) {
      let lane = lanes.get(workspaceId);
      if (!lane) {
        lane = { active: 0, waiting: [] };
        lanes.set(workspaceId, lane);
      }
      if (lane.active < options.perWorkspace) {
        lane.active++;
        return slot(workspaceId, lane);
      }
      if (lane.waiting.length >= options.maxQueued) throw refused(options, false);
      const current = lane;
      const granted = await new Promise<boolean>((resolve) => {
        const waiter = (ok: boolean) => {
          clearTimeout(timer);
          resolve(ok);
        };
        const timer = setTimeout(() => {
          const index = current.waiting.indexOf(waiter);
          if (index >= 0) current.waiting.splice(index, 1);
          resolve(false);
        }, options.queueTimeoutMs);
        current.waiting.push(waiter);
      });
      if (!granted) throw refused(options, true);
      return slot(workspaceId, current);
    },
    load(workspaceId) {
      const lane = lanes.get(workspaceId);
      return { active: lane?.active ?? 0, waiting: lane?.waiting.length ?? 0 };
    },
  };
}

/**
 * Takes a slot once the operation is known to be a query (after the cost limits), then runs
 * `beforeRead` in it (the fold's catch-up: a query answers as if every acknowledged record were
 * folded); frees the slot with the response.
 */
export function readGatePlugin(gate: ReadGate, beforeRead: (ctx: Context) => Promise<void> = async () => {}): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      let release: (() => void) | undefined;
      let answered = false;
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== 'query' || !contextValue.workspaceId) return;
          const granted = await gate.acquire(contextValue.workspaceId);
          // Apollo runs every plugin's hook at once: another one (the cost limit) may have refused
          // the operation and the response may be gone while this one still waited.
          if (answered) return granted();
          release = granted;
          await beforeRead(contextValue);
        },
        async willSendResponse() {
          answered = true;
          release?.();
        },
      };
    },
  };
}
