import { DEFAULT_FIELDS } from '../src/catalog/fields.ts';
import type { AccountRecord, EventRecord, UserRecord } from './generator.ts';

/**
 * The generator's records (Hightouch's flat snake_case rows) in the two other shapes the bench
 * sends: GraphQL mutation inputs (camelCase default fields, the rest under `custom` or
 * `properties`) and the column values of the raw-limit statements (what ingestion stores).
 * Pure, unit-tested.
 */

export type BenchObject = 'account' | 'user' | 'event';
type Flat = AccountRecord | UserRecord | EventRecord;
type Value = string | number | boolean | null;

const KIND = { account: 'ACCOUNT', user: 'USER', event: 'EVENT' } as const;

/** restId → GraphQL key, with the record's identifier mapped to `id`. */
const KEYS: Record<BenchObject, ReadonlyMap<string, string>> = {
  account: keyMap('account'),
  user: keyMap('user'),
  event: keyMap('event'),
};

function keyMap(object: BenchObject): Map<string, string> {
  return new Map(DEFAULT_FIELDS[KIND[object]].map((field) => [field.restId, field.identifier ? 'id' : field.key]));
}

/** A generated record as a GraphQL `AccountInput` / `UserInput` / `EventInput`. */
export function toGraphQLInput(object: BenchObject, record: Flat): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const extra: Record<string, Value> = {};
  for (const [id, value] of Object.entries(record)) {
    const key = KEYS[object].get(id);
    if (key !== undefined) input[key] = value;
    else extra[id] = value;
  }
  if (Object.keys(extra).length > 0) input[object === 'event' ? 'properties' : 'custom'] = extra;
  return input;
}

export interface DimensionRow {
  id: string;
  /** Stored dimension values: default fields by GraphQL key, custom fields by their own key; no nulls. */
  dims: Record<string, string | number | boolean>;
}

export function toDimensionRow(object: 'account' | 'user', record: AccountRecord | UserRecord): DimensionRow {
  const dims: Record<string, string | number | boolean> = {};
  let id = '';
  for (const [restId, value] of Object.entries(record)) {
    const key = KEYS[object].get(restId) ?? restId;
    if (key === 'id') id = String(value);
    else if (value !== null) dims[key] = value;
  }
  return { id, dims };
}

export interface EventRow {
  dedupKey: string;
  eventId: string | null;
  name: string;
  occurredAt: string;
  userId: string;
  accountId: string | null;
  properties: Record<string, string | number | boolean>;
}

const EVENT_COLUMNS = new Set(DEFAULT_FIELDS.EVENT.map((field) => field.restId));

/** An event as stored: the dedup key is the caller's event id (the generator always sends one). */
export function toEventRow(record: EventRecord): EventRow {
  const properties: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(record)) {
    if (!EVENT_COLUMNS.has(key) && value !== null) properties[key] = value;
  }
  const eventId = record.event_id === null || record.event_id === undefined ? null : String(record.event_id);
  return {
    dedupKey: eventId ?? `${record.user_id}:${record.timestamp}:${record.event_name}`,
    eventId,
    name: String(record.event_name),
    occurredAt: String(record.timestamp),
    userId: String(record.user_id),
    accountId: record.account_id === null || record.account_id === undefined ? null : String(record.account_id),
    properties,
  };
}
