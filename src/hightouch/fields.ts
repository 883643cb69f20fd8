import { and, asc, eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { catalogFields } from '../db/schema.ts';
import { defaultFieldDescriptors, defaultFieldIds, type FieldDescriptor, type HightouchObject, toHightouchType } from './objects.ts';

/**
 * The fields Hightouch can map to: the typed default fields, then every custom field the workspace
 * has sent or declared so far (one statement). Read directly rather than through the `dimensions`
 * query, which needs READ while Hightouch's key only has INGEST, and computes coverage we do not need.
 */
export async function listFields(q: Queryable, workspaceId: string, object: HightouchObject): Promise<FieldDescriptor[]> {
  const custom = await q
    .select({ key: catalogFields.key, label: catalogFields.label, type: catalogFields.type, declaredType: catalogFields.declaredType })
    .from(catalogFields)
    .where(and(eq(catalogFields.workspaceId, workspaceId), eq(catalogFields.object, object.kind), eq(catalogFields.isDefault, false)))
    .orderBy(asc(catalogFields.key));
  const reserved = defaultFieldIds(object);
  return [...defaultFieldDescriptors(object), ...custom.filter((field) => !reserved.has(field.key)).map(customFieldDescriptor)];
}

/** How Hightouch sees a custom field of the catalog. */
export function customFieldDescriptor(field: {
  key: string;
  label: string;
  type: string | null;
  declaredType: string | null;
}): FieldDescriptor {
  return {
    id: field.key,
    label: field.label,
    type: toHightouchType(field.declaredType ?? field.type),
    identifier: false,
    required: false,
    default: false,
  };
}
