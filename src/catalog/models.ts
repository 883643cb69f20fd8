import type { CatalogFieldRow } from '../db/schema.ts';

/**
 * A catalog field with its effective meaning: `semantic` is the workspace's override when there is
 * one, else the inferred meaning. Value statistics are loaded lazily (and batched) by the resolvers.
 */
export interface DimensionModel extends CatalogFieldRow {
  /** Absent on rows straight from the catalog table (e.g. `createCustomField`): resolved through the loader then. */
  inferredSemantic?: string | null;
  semanticOverridden?: boolean;
  /** What decided `semantic`: the name (or a default field's definition), the values, or the workspace's correction; null without a meaning. */
  semanticEvidence?: 'NAME' | 'VALUES' | 'CORRECTION' | null;
}

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
  /** Exact, or an estimate when the field's values are sampled (src/catalog/statistics.ts). */
  distinctCount: number;
  distinctCountExact: boolean;
  /** Relative standard error of an estimated distinct count; null when exact. */
  distinctCountRelativeError: number | null;
  min: number | null;
  max: number | null;
  avg: number | null;
  sum: number | null;
}

/** A value and how many records hold it. */
export interface ValueCountModel {
  value: string | number | boolean;
  count: number;
  /** Total of a summed dimension over those records (breakdowns with `sumOf`). */
  sum?: number | null;
}

/** A resolved `dimensionBreakdown`. */
export interface BreakdownModel {
  dimension: DimensionModel;
  total: number;
  missing: number;
  other: number;
  buckets: Array<{ label: string; value: unknown; from: number | null; to: number | null; count: number; sum?: number | null }>;
}
