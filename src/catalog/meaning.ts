import { sql } from 'drizzle-orm';
import { type Queryable, rows } from '../db/client.ts';
import { catalogFields, eventNames, meaningOverrides } from '../db/schema.ts';
import { alias, tableAs } from '../db/sql.ts';
import type { FieldType, RecordKind } from '../vocabulary.ts';
import type { SemanticType } from './inference.ts';
import type { DimensionModel } from './models.ts';
import { fieldType } from './queries.ts';
import { ACTIVITY_ROLES, inferMetricRole, type MetricRole } from './roles.ts';
import { recordsWithValue } from './statistics.ts';

/**
 * What a workspace's data means, in one snapshot: which field holds the seats, the renewal date,
 * the plan…, and which events are activity. Derived measures and views read it instead of asking
 * anyone to configure a mapping. Built per request from a fixed number of statements.
 */

/** The overrides as `loadMetricMeanings` joins them. */
const o = alias(meaningOverrides, 'o');

/** A metric with its inferred and effective role. */
export interface MetricMeaning {
  kind: 'COUNT' | 'VALUE';
  name: string;
  /** Events stored under this name (count metrics; 0 for value metrics). */
  eventCount: number;
  inferredRole: MetricRole | null;
  role: MetricRole | null;
  overridden: boolean;
}

/**
 * Every metric of the catalog with its role (one statement): count metrics from the event-name
 * counters, value metrics from the numeric event properties of the catalog, joined with overrides.
 */
export async function loadMetricMeanings(q: Queryable, workspaceId: string): Promise<MetricMeaning[]> {
  const found = await rows<{ kind: 'COUNT' | 'VALUE'; name: string; events: number | null; overridden: boolean; meaning: string | null }>(
    q,
    sql`
      select m.kind, m.name, m.events, ${o.key} is not null as overridden, ${o.meaning}
      from (
        select 'COUNT'::text as kind, ${eventNames.name}, ${eventNames.eventCount}::float8 as events from ${eventNames}
        where ${eventNames.workspaceId} = ${workspaceId}
        union all
        select 'VALUE'::text, ${catalogFields.key}, null::float8 from ${catalogFields}
        where ${catalogFields.workspaceId} = ${workspaceId} and ${catalogFields.object} = 'EVENT' and not ${catalogFields.isDefault}
          and coalesce(${catalogFields.declaredType}, ${catalogFields.type}) in ('NUMBER', 'MIXED')
      ) as m
      left join ${tableAs(o)} on ${o.workspaceId} = ${workspaceId} and ${o.target} = m.kind and ${o.key} = m.name
      order by m.kind, m.name`,
  );
  return found.map((r) => {
    const inferredRole = inferMetricRole(r.kind, r.name);
    return {
      kind: r.kind,
      name: r.name,
      eventCount: r.events ?? 0,
      inferredRole,
      role: r.overridden ? (r.meaning as MetricRole | null) : inferredRole,
      overridden: r.overridden,
    };
  });
}

/** Semantics the derived measures and views look for, and the value types each can be used with. */
export const USABLE_TYPES: Partial<Record<SemanticType, readonly FieldType[]>> = {
  SEATS: ['NUMBER'],
  EMPLOYEE_COUNT: ['NUMBER', 'STRING'],
  MRR: ['NUMBER'],
  ARR: ['NUMBER'],
  REVENUE: ['NUMBER'],
  RENEWAL_DATE: ['DATETIME'],
  CREATED_AT: ['DATETIME'],
  PLAN: ['STRING'],
  REGION: ['STRING'],
  COUNTRY: ['STRING'],
  INDUSTRY: ['STRING'],
  LIFECYCLE_STAGE: ['STRING'],
};

/** A field that has a meaning, with how many records hold a value. */
export interface FieldChoice {
  object: RecordKind;
  key: string;
  label: string;
  semantic: SemanticType;
  type: FieldType | null;
  /** Whether its value type can serve the meaning (a seat count must be a number). */
  usable: boolean;
  valueCount: number;
  overridden: boolean;
  isDefault: boolean;
}

export interface Semantics {
  /** Fields with a meaning the measures and views use, best first for each meaning. */
  fields: FieldChoice[];
  /** Fields whose inferred meaning the workspace corrected away: what it would take back to use them. */
  corrected: Array<{ object: RecordKind; key: string; inferred: SemanticType }>;
  metrics: MetricMeaning[];
}

/** Build the snapshot from the catalog of accounts and users and the metric meanings. */
export async function loadSemantics(
  q: Queryable,
  workspaceId: string,
  dimensions: Record<RecordKind, readonly DimensionModel[]>,
  metrics: MetricMeaning[],
): Promise<Semantics> {
  const wanted = (object: RecordKind) =>
    dimensions[object].filter((d) => d.key !== 'id' && d.semantic !== null && (d.semantic as SemanticType) in USABLE_TYPES);
  const candidates = { ACCOUNT: wanted('ACCOUNT'), USER: wanted('USER') };
  const counts = await recordsWithValue(q, workspaceId, {
    ACCOUNT: candidates.ACCOUNT.map((d) => d.key),
    USER: candidates.USER.map((d) => d.key),
  });
  const fields = (['ACCOUNT', 'USER'] as const).flatMap((object) =>
    candidates[object].map((d): FieldChoice => {
      const semantic = d.semantic as SemanticType;
      const type = fieldType(d) as FieldType | null;
      return {
        object,
        key: d.key,
        label: d.label,
        semantic,
        type,
        usable: type !== null && (USABLE_TYPES[semantic] ?? []).includes(type),
        valueCount: counts.get(`${object}:${d.key}`) ?? 0,
        overridden: d.semanticOverridden ?? false,
        isDefault: d.isDefault,
      };
    }),
  );
  // Best first: a workspace's own correction, then the field holding the most values, defaults before custom.
  fields.sort(
    (a, b) =>
      Number(b.overridden) - Number(a.overridden) ||
      b.valueCount - a.valueCount ||
      Number(b.isDefault) - Number(a.isDefault) ||
      a.key.localeCompare(b.key),
  );
  const corrected = (['ACCOUNT', 'USER'] as const).flatMap((object) =>
    dimensions[object]
      .filter((d) => d.semanticOverridden && d.inferredSemantic && d.inferredSemantic !== d.semantic)
      .map((d) => ({ object, key: d.key, inferred: d.inferredSemantic as SemanticType })),
  );
  return { fields, corrected, metrics };
}

/** Fields of an object meaning one of `semantics` (in that order of preference), best first, usable or not. */
export function fieldsMeaning(s: Semantics, object: RecordKind, semantics: readonly SemanticType[]): FieldChoice[] {
  return semantics.flatMap((semantic) => s.fields.filter((f) => f.object === object && f.semantic === semantic));
}

/** The field that provides a meaning: usable and holding at least one value; null when none does. */
export function fieldFor(s: Semantics, object: RecordKind, semantics: readonly SemanticType[]): FieldChoice | null {
  return fieldsMeaning(s, object, semantics).find((f) => f.usable && f.valueCount > 0) ?? null;
}

/** Event names (with events) whose role is one of `roles`, most frequent first. */
export function eventsWithRole(s: Semantics, roles: readonly MetricRole[]): MetricMeaning[] {
  return s.metrics
    .filter((m) => m.kind === 'COUNT' && m.eventCount > 0 && m.role !== null && roles.includes(m.role))
    .sort((a, b) => b.eventCount - a.eventCount || a.name.localeCompare(b.name));
}

/** The event names that count as activity (see ACTIVITY_ROLES). */
export function activityEvents(s: Semantics): string[] {
  return eventsWithRole(s, ACTIVITY_ROLES).map((m) => m.name);
}
