import type { CatalogFieldRow } from '../db/schema.ts';

/** A catalog field; value statistics are loaded lazily by the Dimension resolvers. */
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
