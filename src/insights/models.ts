import type { AccountRow, EventRow, UserRow } from '../db/schema.ts';

/**
 * How a metric's values combine. The same set as the schema's `MetricAggregate` (metrics.ts checks
 * both directions at compile time); declared here because the generated types import this module.
 */
export type Aggregate = 'AVG' | 'COUNT' | 'LAST' | 'MAX' | 'MIN' | 'SUM' | 'UNIQUE_ACCOUNTS' | 'UNIQUE_USERS';

/** The width of a series' buckets (the schema's `Interval`); calendar math over it is in time.ts. */
export type Interval = 'DAY' | 'WEEK' | 'MONTH';

/** A resolved page of a Relay connection. */
export interface ConnectionModel<T> {
  edges: Array<{ cursor: string; node: T; orderValue?: number | null }>;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** Computed only when the field is asked for (batched by a loader for nested connections). */
  totalCount: () => Promise<number>;
}

export type AccountConnectionModel = ConnectionModel<AccountRow>;
export type UserConnectionModel = ConnectionModel<UserRow>;
export type EventConnectionModel = ConnectionModel<EventRow>;

/** A computed series; its catalog `metric` is loaded only when asked for. */
export interface MetricSeriesModel {
  /** Catalog key of the metric: [kind, event name or property]. */
  ref: ['COUNT' | 'VALUE', string];
  interval: Interval;
  aggregate: Aggregate;
  timeZone: string;
  points: Array<{ start: Date; value: number | null }>;
  total: number | null;
}
