import { and, count, eq, sql } from 'drizzle-orm';
import { jsonParam, type Queryable, rows } from '../db/client.ts';
import { type CatalogFieldRow, catalogFields } from '../db/schema.ts';
import { alias, anyOf, columnList, columnName, takeProposed } from '../db/sql.ts';
import type { FieldType, ObjectKind } from '../vocabulary.ts';
import { defaultField } from './fields.ts';
import { mergeTypes, TEXT_TYPES } from './inference.ts';
import { inferSemantic } from './semantics.ts';
import { humanLabel } from './tokens.ts';

/**
 * The write side of the dimension catalog: what ingestion learns about fields, once per call
 * (one statement for the whole batch), and fields declared up front.
 */

export interface KnownField {
  type: FieldType | null;
  declared: boolean;
  lastSeenAt?: Date | null;
}

/** last_seen_at is refreshed at most this often per field, so steady-state calls do not rewrite (and lock) catalog rows. */
const LAST_SEEN_RESOLUTION_MS = 60_000;
/** The text types as an SQL list (a constant): the SQL merge below applies mergeTypes' rule. */
const TEXT_SQL = sql.raw(TEXT_TYPES.map((type) => `'${type}'`).join(', '));
/** The catalog as the upserts name it. */
const c = alias(catalogFields, 'c');

/** What the catalog knows about these keys of one object (one statement). */
export async function loadKnownFields(
  q: Queryable,
  workspaceId: string,
  object: ObjectKind,
  keys: readonly string[],
): Promise<Map<string, KnownField>> {
  const known = new Map<string, KnownField>();
  if (keys.length === 0) return known;
  const found = await q
    .select({
      key: catalogFields.key,
      type: catalogFields.type,
      declaredType: catalogFields.declaredType,
      lastSeenAt: catalogFields.lastSeenAt,
    })
    .from(catalogFields)
    .where(and(eq(catalogFields.workspaceId, workspaceId), eq(catalogFields.object, object), anyOf(catalogFields.key, keys)));
  for (const row of found) {
    known.set(row.key, {
      type: (row.declaredType ?? row.type) as FieldType | null,
      declared: row.declaredType !== null,
      lastSeenAt: row.lastSeenAt,
    });
  }
  return known;
}

/** Custom (non-default) fields in a workspace's catalog, all objects together (one statement). */
export async function countCustomFields(q: Queryable, workspaceId: string): Promise<number> {
  const [row] = await q
    .select({ n: count() })
    .from(catalogFields)
    .where(and(eq(catalogFields.workspaceId, workspaceId), eq(catalogFields.isDefault, false)));
  return Number(row?.n ?? 0);
}

/**
 * Register every field a call carried, merging the types observed in this call with what was
 * known. The type merge also runs in SQL so that concurrent calls cannot lose a MIXED.
 */
export async function recordObservations(
  q: Queryable,
  workspaceId: string,
  object: ObjectKind,
  observed: ReadonlyMap<string, FieldType | null>,
  known: ReadonlyMap<string, KnownField>,
  now: Date,
): Promise<void> {
  // Only what is news to the catalog: a new field, a type that changes, a stale last-seen time.
  const news = [...observed].filter(([key, type]) => {
    const before = known.get(key);
    if (!before) return true;
    if (!before.declared && mergeTypes(before.type, type) !== before.type) return true;
    return !before.lastSeenAt || now.getTime() - before.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS;
  });
  if (news.length === 0) return;
  const fields = news.map(([key, type]) => {
    const preset = defaultField(object, key);
    const merged = mergeTypes(known.get(key)?.type ?? null, type);
    return {
      key,
      label: preset?.label ?? humanLabel(key),
      type: preset?.type ?? type,
      semantic: preset ? preset.semantic : inferSemantic(key, merged, object),
      is_default: preset !== undefined,
    };
  });
  await q.execute(sql`
    insert into ${catalogFields} as ${c} (${columnList(c.workspaceId, c.object, c.key, c.label, c.type, c.semantic, c.isDefault, c.firstSeenAt, c.lastSeenAt)})
    select ${workspaceId}, ${object}, f.key, f.label, f.type, f.semantic, f.is_default, now(), now()
    from jsonb_to_recordset(${jsonParam(fields)}) as f(key text, label text, type text, semantic text, is_default boolean)
    order by f.key
    on conflict (${columnList(c.workspaceId, c.object, c.key)}) do update set
      ${columnName(c.type)} = case
        when ${c.declaredType} is not null then ${c.declaredType}
        when ${c.type} is null then excluded.${columnName(c.type)}
        when excluded.${columnName(c.type)} is null or excluded.${columnName(c.type)} = ${c.type} then ${c.type}
        when ${c.type} in (${TEXT_SQL}) and excluded.${columnName(c.type)} in (${TEXT_SQL}) then 'STRING'
        else 'MIXED'
      end,
      ${columnName(c.semantic)} = coalesce(excluded.${columnName(c.semantic)}, ${c.semantic}),
      ${columnName(c.firstSeenAt)} = coalesce(${c.firstSeenAt}, excluded.${columnName(c.firstSeenAt)}),
      ${takeProposed(c.lastSeenAt)}`);
}

export type DeclareResult = { ok: true; field: CatalogFieldRow } | { ok: false; code: 'CONFLICT' | 'INVALID'; message: string };

/** Declare a custom field with an enforced type. Idempotent for the same type. */
export async function declareField(
  q: Queryable,
  workspaceId: string,
  input: { object: ObjectKind; key: string; type: FieldType; label?: string | null },
): Promise<DeclareResult> {
  const label = input.label?.trim() || humanLabel(input.key);
  const [row] = await rows<{ key: string }>(
    q,
    sql`
      insert into ${catalogFields} as ${c} (${columnList(c.workspaceId, c.object, c.key, c.label, c.type, c.declaredType, c.semantic, c.isDefault)})
      values (${workspaceId}, ${input.object}, ${input.key}, ${label}, ${input.type}, ${input.type}, ${inferSemantic(input.key, input.type, input.object)}, false)
      on conflict (${columnList(c.workspaceId, c.object, c.key)}) do update set
        ${takeProposed(c.declaredType)},
        ${columnName(c.type)} = excluded.${columnName(c.declaredType)},
        ${columnName(c.label)} = case when ${input.label ?? null}::text is null then ${c.label} else excluded.${columnName(c.label)} end
      where ${c.isDefault} = false
        and coalesce(${c.declaredType}, ${c.type}, excluded.${columnName(c.declaredType)}) = excluded.${columnName(c.declaredType)}
      returning ${c.key}`,
  );
  const [field] = await q
    .select()
    .from(catalogFields)
    .where(and(eq(catalogFields.workspaceId, workspaceId), eq(catalogFields.object, input.object), eq(catalogFields.key, input.key)));
  if (row && field) return { ok: true, field };
  if (field?.isDefault) return { ok: false, code: 'INVALID', message: `"${input.key}" is a default field; its type is fixed.` };
  return {
    ok: false,
    code: 'CONFLICT',
    message: `Field "${input.key}" already exists with type ${field?.declaredType ?? field?.type}; it cannot be declared ${input.type}.`,
  };
}
