import { aliasedTableColumn, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { DimensionFilter } from '../__generated__/types.ts';
import { jsonParam } from '../db/client.ts';
import { events } from '../db/schema.ts';
import { alias, recordAliases } from '../db/sql.ts';
import { badUserInput } from '../errors.ts';
import { isStorableText, normalizeId } from '../text.ts';
import type { FieldType, ObjectKind } from '../vocabulary.ts';
import { defaultField } from './fields.ts';
import { isTextType, parseIsoDateTime } from './inference.ts';

/** What a filter needs to know about a field: its key and its catalog type (null = no value seen yet). */
export interface FilterField {
  key: string;
  type: FieldType | null;
}

export type FieldMap = ReadonlyMap<string, FilterField>;

type Scalar = string | number | boolean;
const OPERATORS = ['eq', 'neq', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists'] as const;
type Operator = (typeof OPERATORS)[number];

// Fields that live in columns rather than in the jsonb document. Everything else is a dims key
// (accounts, users) or an event property.
// A Map: the key is user-chosen, and a plain object would answer `valueOf` or `constructor` from its prototype.
const EVENT_COLUMNS: ReadonlyMap<string, PgColumn> = new Map<string, PgColumn>([
  ['name', events.name],
  ['userId', events.userId],
  ['accountId', events.accountId],
  ['eventId', events.eventId],
]);

/** The tables of the three objects under one alias name, e.g. `alias(accounts, 't')`. */
const aliasedTables = (aliasName: string) => ({ ...recordAliases(aliasName), EVENT: alias(events, aliasName) });

/** Alias objects by alias name (callers use a few fixed names: 't', 'e'), built once. */
const ALIASED = new Map<string, ReturnType<typeof aliasedTables>>();

function tablesAs(aliasName: string): ReturnType<typeof aliasedTables> {
  let tables = ALIASED.get(aliasName);
  if (!tables) {
    tables = aliasedTables(aliasName);
    ALIASED.set(aliasName, tables);
  }
  return tables;
}

/** The jsonb document column holding an object's fields. */
function documentColumn(object: ObjectKind, alias: string): SQL {
  return object === 'EVENT' ? sql`${tablesAs(alias).EVENT.properties}` : sql`${tablesAs(alias)[object].dims}`;
}

/** True when the field is stored in the jsonb document (so containment and GIN indexes apply). */
function inDocument(object: ObjectKind, key: string): boolean {
  if (object === 'EVENT') return !EVENT_COLUMNS.has(key) && key !== 'timestamp';
  return key !== 'id';
}

/** A field's value as jsonb (SQL NULL when absent), for any object. */
export function valueExpr(object: ObjectKind, alias: string, key: string): SQL {
  if (object === 'EVENT') {
    const column = EVENT_COLUMNS.get(key);
    if (column) return sql`to_jsonb(${aliasedTableColumn(column, alias)})`;
    if (key === 'timestamp')
      return sql`to_jsonb(to_char(${tablesAs(alias).EVENT.occurredAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;
  } else if (key === 'id') {
    return sql`to_jsonb(${tablesAs(alias)[object].id})`;
  }
  return sql`(${documentColumn(object, alias)} -> ${key}::text)`;
}

/** SQL true when a jsonb value is present and not JSON null. */
export function hasValue(value: SQL): SQL {
  return sql`(coalesce(jsonb_typeof(${value}), 'null') <> 'null')`;
}

/** A jsonb value as text, compared byte-wise so both backends order alike whatever their collation. */
export function textOf(value: SQL): SQL {
  return sql`(case when jsonb_typeof(${value}) = 'string' then ${value} #>> '{}' end) collate "C"`;
}

/** A jsonb value as float8 (NULL unless it is a JSON number). */
export function numberOf(value: SQL): SQL {
  return sql`(case when jsonb_typeof(${value}) = 'number' then (${value})::float8 end)`;
}

/** Look a key up in the catalog, or fail with a clear message. */
export function requireField(fields: FieldMap, object: ObjectKind, key: string, argument: string): FilterField {
  const field = fields.get(key);
  if (!field) {
    throw badUserInput(`Unknown dimension \`${key}\` on ${object}. Query \`dimensions(object: ${object})\` for the keys.`, {
      argument,
      key,
    });
  }
  return field;
}

/** AND of every filter, as SQL over `alias`. Throws BAD_USER_INPUT for unknown keys and ill-typed comparisons. */
export function compileFilters(
  object: ObjectKind,
  alias: string,
  filters: readonly DimensionFilter[] | null | undefined,
  fields: FieldMap,
): SQL {
  if (!filters || filters.length === 0) return sql`true`;
  const parts = filters.map((filter, index) => compileOne(object, alias, filter, fields, `filter[${index}]`));
  return sql.join(parts, sql` and `);
}

function compileOne(object: ObjectKind, alias: string, filter: DimensionFilter, fields: FieldMap, argument: string): SQL {
  const field = requireField(fields, object, filter.key, `${argument}.key`);
  const set = OPERATORS.filter((op) => (filter as Record<string, unknown>)[op] !== undefined);
  if (set.length !== 1) {
    throw badUserInput(`Filter on \`${filter.key}\` must set exactly one operator (${OPERATORS.join(', ')}); it sets ${set.length}.`, {
      argument,
    });
  }
  const op = set[0] as Operator;
  const raw = (filter as Record<string, unknown>)[op];
  for (const v of Array.isArray(raw) ? raw : [raw]) {
    if (typeof v === 'string' && !isStorableText(v))
      throw badUserInput('Filter values must be valid Unicode text without NUL characters.', { argument: `${argument}.${op}` });
  }
  const value = valueExpr(object, alias, field.key);
  const at = `${argument}.${op}`;
  const present = hasValue(value);

  switch (op) {
    case 'exists':
      if (raw === null) throw badUserInput('`exists` must be true or false.', { argument: at });
      return raw ? present : sql`not ${present}`;
    case 'eq':
    case 'neq': {
      if (raw === null) return op === 'eq' ? sql`not ${present}` : present;
      const equal = equals(object, alias, field, value, coerce(object, field, raw, at));
      // "is not X" includes records without a value: what a person filtering a table expects.
      return op === 'eq' ? equal : sql`(${equal}) is not true`;
    }
    case 'in':
    case 'notIn': {
      if (!Array.isArray(raw)) throw badUserInput(`\`${op}\` takes a list.`, { argument: at });
      const values = raw.map((v) => coerce(object, field, v, at));
      const member = values.length > 0 ? sql`(${present} and ${jsonParam(values)} @> jsonb_build_array(${value}))` : sql`false`;
      // Like neq, notIn keeps the records without a value.
      return op === 'in' ? member : sql`not ${member}`;
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const cmp = sql.raw({ gt: '>', gte: '>=', lt: '<', lte: '<=' }[op]);
      if (raw === null) throw badUserInput(`\`${op}\` needs a value.`, { argument: at });
      const type = field.type;
      if (type === 'NUMBER') return sql`${numberOf(value)} ${cmp} ${toNumber(field, raw, at)}::float8`;
      if (type === 'DATETIME') return sql`${textOf(value)} ${cmp} ${toDateTime(field, raw, at)}::text collate "C"`;
      if (isTextType(type)) {
        if (typeof raw !== 'string') throw mismatch(field, op, 'a string', at);
        return sql`${textOf(value)} ${cmp} ${raw}::text collate "C"`;
      }
      throw badUserInput(
        `\`${op}\` does not apply to \`${field.key}\` (${type ?? 'no values yet'}): comparisons work on NUMBER, DATETIME and text fields.`,
        { argument: at, key: field.key, fieldType: type },
      );
    }
    case 'contains': {
      if (!isTextType(field.type)) {
        throw badUserInput(`\`contains\` works on text fields; \`${field.key}\` is ${field.type ?? 'without values yet'}.`, {
          argument: at,
          key: field.key,
          fieldType: field.type,
        });
      }
      if (typeof raw !== 'string') throw badUserInput('`contains` needs a string.', { argument: at });
      return sql`(jsonb_typeof(${value}) = 'string' and strpos(lower(${value} #>> '{}'), lower(${raw}::text)) > 0)`;
    }
  }
}

function equals(object: ObjectKind, alias: string, field: FilterField, value: SQL, coerced: Scalar): SQL {
  // Containment on the document lets a GIN (jsonb_path_ops) index answer equality.
  if (inDocument(object, field.key)) return sql`${documentColumn(object, alias)} @> ${jsonParam({ [field.key]: coerced })}`;
  return sql`${value} = ${JSON.stringify(coerced)}::jsonb`;
}

/** Account and user IDs and the references to them (a user's or an event's `accountId`, an event's `userId`). */
function isIdField(object: ObjectKind, key: string): boolean {
  const semantic = defaultField(object, key)?.semantic;
  return semantic === 'ACCOUNT_ID' || semantic === 'USER_ID';
}

/** A filter value converted to the field's stored representation, or BAD_USER_INPUT. */
export function coerce(object: ObjectKind, field: FilterField, raw: unknown, argument: string): Scalar {
  switch (field.type) {
    case 'NUMBER':
      return toNumber(field, raw, argument);
    case 'DATETIME':
      return toDateTime(field, raw, argument);
    case 'BOOLEAN':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === 'false') return raw === 'true';
      throw mismatch(field, argument.split('.').pop() ?? 'eq', 'true or false', argument);
    case 'STRING':
    case 'EMAIL':
    case 'URL':
      // Record IDs and references are compared in their stored (normalised) form.
      if (typeof raw === 'string') return isIdField(object, field.key) ? normalizeId(raw) : raw;
      throw mismatch(field, argument.split('.').pop() ?? 'eq', 'a string', argument);
    default:
      if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') return raw;
      throw badUserInput(`Filter values are strings, numbers or booleans.`, { argument });
  }
}

function toNumber(field: FilterField, raw: unknown, argument: string): number {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(n)) throw mismatch(field, argument.split('.').pop() ?? '', 'a number', argument);
  return n;
}

/** The instant as stored (normalised UTC ISO), read by the same parser as stored values and events. */
function toDateTime(field: FilterField, raw: unknown, argument: string): string {
  const ms = typeof raw === 'string' ? parseIsoDateTime(raw.trim()) : null;
  const date = ms === null ? null : new Date(ms);
  if (date === null || Number.isNaN(date.getTime()))
    throw mismatch(field, argument.split('.').pop() ?? '', 'an ISO-8601 date-time', argument);
  return date.toISOString();
}

function mismatch(field: FilterField, op: string, expected: string, argument: string) {
  return badUserInput(`\`${field.key}\` is a ${field.type} field: \`${op}\` needs ${expected}.`, {
    argument,
    key: field.key,
    fieldType: field.type,
  });
}
