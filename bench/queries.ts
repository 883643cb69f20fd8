import type { BenchOptions } from './args.ts';
import { describeScans } from './explain.ts';
import { type GraphQLBody, graphQLError, postJson } from './http.ts';
import type { CapturedStatement, ServerProcess } from './ipc.ts';
import type { Progress } from './progress.ts';
import type { QueryResult } from './result.ts';
import { median, summarize } from './stats.ts';

/**
 * The read side: the queries a product-led-sales frontend issues, timed around the HTTP call
 * (p50/p95 over repeated runs), with the SQL statements each request sends (counted on the
 * server's database handle) and the EXPLAIN ANALYZE plan of each statement.
 */

const DAY_MS = 86_400_000;
const EVENT = 'Signed In';

export interface QueryContext {
  /** End of the loaded history: windows end at the next UTC midnight after it. */
  anchor: Date;
  /** Busy accounts (from the top-50 query), rotated through by the per-account queries. */
  sampleAccounts: string[];
}

interface Operation {
  query: string;
  variables: Record<string, unknown>;
}

export interface QueryDef {
  id: string;
  label: string;
  build(ctx: QueryContext, run: number): Operation;
  /** Before each run, untimed: forget every kept answer, so the run computes what it reads. */
  computed?: boolean;
}

function windowEnd(anchor: Date): Date {
  return new Date(Math.ceil(anchor.getTime() / DAY_MS) * DAY_MS);
}

function lastDays(ctx: QueryContext, days: number): { from: string; to: string } {
  const to = windowEnd(ctx.anchor);
  return { from: new Date(to.getTime() - days * DAY_MS).toISOString(), to: to.toISOString() };
}

const TOP = `query Top($window: TimeWindow!) {
  accounts(first: 50, orderBy: { metric: { metric: { event: "${EVENT}" }, window: $window }, direction: DESC }) {
    edges { orderValue node { id name } }
  }
}`;

const TOP_UNIQUE = `query TopUnique($window: TimeWindow!) {
  accounts(first: 50, orderBy: { metric: { metric: { event: "${EVENT}" }, aggregate: UNIQUE_USERS, window: $window }, direction: DESC }) {
    edges { orderValue node { id name } }
  }
}`;

const TOP_USERS = `query TopUsers($window: TimeWindow!) {
  users(first: 50, orderBy: { metric: { metric: { event: "${EVENT}" }, window: $window }, direction: DESC }) {
    edges { orderValue node { id email } }
  }
}`;

const NESTED = `query Nested($first: Int!, $window: TimeWindow!) {
  accounts(first: $first) {
    edges { node {
      id name plan
      metric(metric: { event: "${EVENT}" }, window: $window)
      users(first: 20) { nodes { id email metric(metric: { event: "${EVENT}" }, window: $window) } }
    } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export function nestedPage(ctx: QueryContext, first: number): Operation {
  return { query: NESTED, variables: { first, window: lastDays(ctx, 30) } };
}

export const QUERIES: readonly QueryDef[] = [
  {
    id: 'series',
    label: 'metricSeries: one account, 90 days, daily',
    build: (ctx, run) => {
      const { from, to } = lastDays(ctx, 90);
      const accountId = ctx.sampleAccounts[run % Math.max(1, ctx.sampleAccounts.length)] ?? 'acc_000001';
      return {
        query: `query Series($input: MetricSeriesInput!) { metricSeries(input: $input) { total points { start value } } }`,
        variables: { input: { metric: { event: EVENT }, from, to, interval: 'DAY', scope: { accountId } } },
      };
    },
  },
  {
    id: 'top50',
    label: 'accounts: top 50 by 30-day count',
    build: (ctx) => ({ query: TOP, variables: { window: lastDays(ctx, 30) } }),
  },
  {
    id: 'top50-users',
    label: 'users: top 50 by 30-day count',
    build: (ctx) => ({ query: TOP_USERS, variables: { window: lastDays(ctx, 30) } }),
  },
  {
    id: 'top50-unique',
    label: 'accounts: top 50 by 30-day unique users',
    build: (ctx) => ({ query: TOP_UNIQUE, variables: { window: lastDays(ctx, 30) } }),
  },
  {
    // Not one of the maintained windows (7, 30, 90 days): bounded by the 90-day one when it is
    // within the last 90 days (the last step), grouped from the daily rollups otherwise.
    id: 'top50-other',
    label: 'accounts: top 50 by 45-day count',
    build: (ctx) => ({ query: TOP, variables: { window: lastDays(ctx, 45) } }),
  },
  {
    // Not maintained either: bounded by the maintained 90-day window (src/insights/queries.ts, pageByBound).
    id: 'top50-users-other',
    label: 'users: top 50 by 45-day count',
    build: (ctx) => ({ query: TOP_USERS, variables: { window: lastDays(ctx, 45) } }),
  },
  {
    id: 'metrics',
    label: 'metrics catalog',
    build: () => ({
      query: `{ metrics { id kind name label total eventCount uniqueUsers uniqueAccounts firstSeenAt lastSeenAt role } }`,
      variables: {},
    }),
  },
  {
    id: 'nested',
    label: 'accounts(50) × users(20), metric each',
    build: (ctx) => nestedPage(ctx, 50),
  },
  {
    id: 'breakdown',
    label: 'dimensionBreakdown: lifecycle_stage (custom)',
    build: () => ({
      query: `{ dimensionBreakdown(object: ACCOUNT, key: "lifecycle_stage") { total missing other buckets { label value count } } }`,
      variables: {},
    }),
  },
  {
    id: 'dimensions',
    label: 'dimensions(object: ACCOUNT)',
    build: () => ({
      query: `{ dimensions(object: ACCOUNT) { key label type semantic coverage valueCount distinctCount topValues(limit: 5) { value count } numericStats { min max avg } } }`,
      variables: {},
    }),
  },
  {
    // A derived measure: distinct users with any activity-role event, over the server's last 30 days.
    id: 'top50-active',
    label: 'accounts: top 50 by active users (measure)',
    build: () => ({
      query: `{ accounts(first: 50, orderBy: { measure: { measure: ACTIVE_USERS } }) { edges { orderValue node { id name seatUtilization usageChange } } } }`,
      variables: {},
    }),
  },
  {
    // Windows are the server's last 30 days: the generator anchors the history at today. Runs after
    // the first read the previews that group many rows from their kept answers (src/insights/answers.ts).
    id: 'views',
    label: 'views: every template with its preview',
    build: () => VIEWS,
  },
  {
    // The same with nothing kept: what the first read after a change of what the previews read costs.
    id: 'views-computed',
    label: 'views, computed (nothing kept: the first read after a write)',
    build: () => VIEWS,
    computed: true,
  },
];

const VIEWS = {
  query: `{ views { id locked reason unlock operation { query variables } preview { columns { key label format } rows { id cells } totalCount } } }`,
  variables: {},
};

/** Statements worth explaining: the request's own reads (not the API-key lookup or bookkeeping writes). */
export function explainable(statement: CapturedStatement): boolean {
  return (
    /^\s*(select|with)\b/i.test(statement.sql) && !/\bapi_keys\b/.test(statement.sql) && !/\b(insert|update|delete)\b/i.test(statement.sql)
  );
}

export class QueryRunner {
  constructor(
    private readonly server: ServerProcess,
    private readonly options: BenchOptions,
    private readonly progress: Progress,
  ) {}

  note(message: string): void {
    this.progress.note(message);
  }

  async send<T>(operation: Operation): Promise<{ ms: number; data: T | null; error: string | null }> {
    const response = await postJson<GraphQLBody<T>>(`${this.server.url}/graphql`, this.server.ready.restKey, JSON.stringify(operation));
    return { ms: response.ms, data: response.body.data ?? null, error: graphQLError(response.body, response.status) };
  }

  /** SQL statements one request sends (the least over a few tries: a throttled key touch may add one). */
  async statementsOf(operation: Operation, tries = 3): Promise<number> {
    let least = Number.POSITIVE_INFINITY;
    for (let i = 0; i < tries; i++) {
      const before = await this.server.request({ type: 'stats' });
      await this.send(operation);
      const after = await this.server.request({ type: 'stats' });
      least = Math.min(least, after.statements - before.statements);
    }
    return least;
  }

  /** The busiest accounts of the window (un-timed), for the per-account queries. */
  async sampleAccounts(ctx: QueryContext, count = 10): Promise<string[]> {
    const top = QUERIES.find((q) => q.id === 'top50') as QueryDef;
    const { data } = await this.send<{ accounts: { edges: Array<{ node: { id: string } }> } }>(top.build(ctx, 0));
    return data?.accounts.edges.slice(0, count).map((e) => e.node.id) ?? [];
  }

  /** `warmup`: untimed runs first, within `duration` (the first stage also pays for JIT compilation of the resolvers). */
  async measure(def: QueryDef, ctx: QueryContext, stageLabel: string, warmup = this.options.warmup): Promise<QueryResult> {
    const { options, server } = this;
    const base = { id: def.id, label: def.label };
    const warmStarted = performance.now();
    const forget = async () => {
      if (def.computed) await server.request({ type: 'forget' });
    };
    for (let i = 0; i < warmup && (i < 1 || performance.now() - warmStarted < options.duration * 1000); i++) {
      await forget();
      const warm = await this.send(def.build(ctx, i));
      if (warm.error)
        return { ...base, latency: summarize([]), statements: 0, plan: '', seqScans: [], databaseMs: null, sql: [], error: warm.error };
    }
    const latencies: number[] = [];
    const statements: number[] = [];
    const started = performance.now();
    this.progress.start(`${stageLabel} ${def.id}`, options.maxRuns, { lines: false });
    for (let run = 0; run < options.maxRuns && (run < options.minRuns || performance.now() - started < options.duration * 1000); run++) {
      await forget();
      const before = await server.request({ type: 'stats' });
      const done = await this.send(def.build(ctx, run));
      const after = await server.request({ type: 'stats' });
      if (done.error)
        return {
          ...base,
          latency: summarize(latencies),
          statements: 0,
          plan: '',
          seqScans: [],
          databaseMs: null,
          sql: [],
          error: done.error,
        };
      latencies.push(done.ms);
      statements.push(after.statements - before.statements);
      this.progress.update(run + 1);
    }
    this.progress.finish();

    await forget();
    await server.request({ type: 'capture', on: true });
    await this.send(def.build(ctx, 0));
    const captured = await server.request({ type: 'capture', on: false });
    const plans = await server.request({ type: 'explain', statements: captured.filter(explainable) });
    const failed = plans.find((p) => p.error);
    return {
      ...base,
      latency: summarize(latencies),
      statements: median(statements),
      plan: failed && plans.every((p) => p.error) ? `EXPLAIN failed: ${failed.error}` : describeScans(plans),
      seqScans: [...new Set(plans.flatMap((p) => p.seqScans))],
      databaseMs: plans.some((p) => p.executionMs !== null) ? plans.reduce((sum, p) => sum + (p.executionMs ?? 0), 0) : null,
      sql: plans.map((p) => ({ sql: p.sql.replace(/\s+/g, ' ').trim(), scans: p.scans, executionMs: p.executionMs })),
      error: null,
    };
  }
}
