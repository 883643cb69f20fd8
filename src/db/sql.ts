import { type Name, type SQL, type SQLWrapper, sql, type Table } from 'drizzle-orm';
import { alias, type PgColumn } from 'drizzle-orm/pg-core';
import { jsonParam } from './client.ts';
import { accounts, users } from './schema.ts';

/**
 * How the SQL of this service names tables and columns: always through the table objects of
 * `schema.ts`, so a renamed column is renamed everywhere (or fails to compile), and `sql.raw` is
 * left for constants.
 *
 * - `${metricDaily}` renders `"metric_daily"`; `${metricDaily.accountId}` renders
 *   `"metric_daily"."account_id"` (for statements where the table is not aliased).
 * - An aliased table: `const d = alias(metricDaily, 'd')` once per module, then
 *   `from ${tableAs(d)}` (renders `"metric_daily" "d"`) and `${d.accountId}` (renders `"d"."account_id"`).
 * - Where SQL wants a bare column name (insert column lists, `on conflict (…)`, `set` targets,
 *   `excluded.…`, a CTE's column that kept the table's name): `columnName(c)` / `columnList(…)`.
 */

export { alias };

/** A column's bare name, e.g. `"account_id"`. */
export const columnName = (column: PgColumn): Name => sql.identifier(column.name);

/** Bare column names separated by commas, for insert column lists and conflict targets. */
export const columnList = (...columns: PgColumn[]): SQL =>
  sql.join(
    columns.map((column) => columnName(column)),
    sql`, `,
  );

/**
 * The `set` items of an upsert (`on conflict … do update set`) that fold the proposed row
 * (`excluded`) into the stored one, e.g. `${accumulate(m.count)}` renders
 * `"count" = "m"."count" + excluded."count"`.
 */
export const accumulate = (column: PgColumn): SQL => sql`${columnName(column)} = ${column} + excluded.${columnName(column)}`;
/** `col = least(<alias>.col, excluded.col)`: keep the earlier or smaller of the two. */
export const keepLeast = (column: PgColumn): SQL => sql`${columnName(column)} = least(${column}, excluded.${columnName(column)})`;
/** `col = greatest(<alias>.col, excluded.col)`: keep the later or larger of the two. */
export const keepGreatest = (column: PgColumn): SQL => sql`${columnName(column)} = greatest(${column}, excluded.${columnName(column)})`;
/** `col = excluded.col`: the proposed value replaces the stored one. */
export const takeProposed = (column: PgColumn): SQL => sql`${columnName(column)} = excluded.${columnName(column)}`;

/** `"metric_daily" "d"` for `alias(metricDaily, 'd')`: the FROM item of an aliased table. */
export function tableAs(aliased: Table): SQL {
  const original = (aliased as unknown as Record<symbol, string | undefined>)[ORIGINAL_NAME];
  if (!original) throw new Error('tableAs: not an alias of a table');
  return sql`${sql.identifier(original)} ${aliased}`;
}

/** drizzle-orm's `Table.Symbol.OriginalName` (the name an alias stands for), not in its public types. */
const ORIGINAL_NAME = Symbol.for('drizzle:OriginalName');

/**
 * `column = any(<values>)` with the list as ONE jsonb parameter, however long (an `in (…)` list
 * takes a bind parameter per value, and more than 65,535 fail the statement). The array is an
 * init-plan computed once, so the planner uses it as an index condition (a semi-join on a
 * set-returning function is planned blind and can go quadratic).
 */
export function anyOf(column: SQLWrapper, values: readonly string[]): SQL {
  return sql`${column} = any(array(select jsonb_array_elements_text(${jsonParam(values)})))`;
}

/** The table of accounts or of users (the same columns: workspace_id, id, dims, …). */
export const RECORD_TABLES = { ACCOUNT: accounts, USER: users } as const;

/** Accounts and users under one alias name (`recordAliases('t').ACCOUNT` renders `"t"`). */
export const recordAliases = <Name extends string>(name: Name) => ({ ACCOUNT: alias(accounts, name), USER: alias(users, name) }) as const;
