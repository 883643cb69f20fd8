import type { AccountRow, EventRow, UserRow } from '../db/schema.ts';

/** A resolved page of a Relay connection. */
export interface ConnectionModel<T> {
  edges: Array<{ cursor: string; node: T; orderValue?: number | null }>;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** Computed only when the field is asked for. */
  totalCount: () => Promise<number>;
}

export type AccountConnectionModel = ConnectionModel<AccountRow>;
export type UserConnectionModel = ConnectionModel<UserRow>;
export type EventConnectionModel = ConnectionModel<EventRow>;
