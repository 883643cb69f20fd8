import type { CatalogFieldRow } from '../db/schema.ts';

/** A catalog field; value statistics are loaded lazily (and batched) by the Dimension resolvers. */
export type DimensionModel = CatalogFieldRow;

/** A metric of the catalog, as the catalog queries return it. */
export interface MetricModel {
  kind: 'COUNT' | 'VALUE';
  name: string;
  label: string;
  total: number;
  eventCount: number;
  uniqueUsers: number;
  uniqueAccounts: number;
  firstSeenAt: Date | null;
  lastSeenAt: Date | null;
  eventNames: string[];
}

/** Value statistics of one field over every record of its object. */
export interface DimensionStats {
  /** Records of the object (the coverage denominator). */
  total: number;
  valueCount: number;
  distinctCount: number;
  min: number | null;
  max: number | null;
  avg: number | null;
  sum: number | null;
}

/** A value and how many records hold it. */
export interface ValueCountModel {
  value: string | number | boolean;
  count: number;
}

/** A resolved `dimensionBreakdown`. */
export interface BreakdownModel {
  dimension: DimensionModel;
  total: number;
  missing: number;
  other: number;
  buckets: Array<{ label: string; value: unknown; from: number | null; to: number | null; count: number }>;
}
