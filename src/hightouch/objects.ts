import { DEFAULT_FIELDS } from '../catalog/fields.ts';
import type { FieldType, ObjectKind } from '../vocabulary.ts';

/**
 * Hightouch's vocabulary for our three objects: lower-case object ids, sync modes, snake_case
 * field ids and its own type names. The REST routes and the JSON-RPC methods both read it from here.
 */

/** Modes of the REST API (`delete` is a REST route; JSON-RPC deletes through `remove`). */
export type RestMode = 'upsert' | 'update' | 'insert' | 'delete';
/** Modes a Hightouch sync can be configured with. */
export type SyncMode = 'upsert' | 'update' | 'insert';
export type HightouchType = 'STRING' | 'NUMBER' | 'BOOLEAN' | 'DATETIME' | 'ENUM' | 'OBJECT' | 'UNKNOWN';

export interface ModeInfo {
  id: SyncMode;
  label: string;
  description: string;
}

export interface HightouchObject {
  /** The object's id in Hightouch's vocabulary. */
  id: Lowercase<ObjectKind>;
  kind: ObjectKind;
  label: string;
  /** Field id that identifies a record; events have none (they dedup by `event_id` or content). */
  identifier: string | null;
  /** Where unknown field ids go in the GraphQL input. */
  extraKey: 'custom' | 'properties';
  restModes: readonly RestMode[];
  syncModes: readonly ModeInfo[];
}

const UPSERT = (what: string): ModeInfo => ({
  id: 'upsert',
  label: 'Upsert',
  description: `Creates ${what} that do not exist yet and updates those that do.`,
});
const UPDATE = (what: string): ModeInfo => ({
  id: 'update',
  label: 'Update',
  description: `Updates existing ${what} only; rows for unknown IDs are rejected and nothing is created.`,
});

export const OBJECTS: readonly HightouchObject[] = [
  {
    id: 'account',
    kind: 'ACCOUNT',
    label: 'Account',
    identifier: 'account_id',
    extraKey: 'custom',
    restModes: ['upsert', 'update', 'delete'],
    syncModes: [UPSERT('accounts'), UPDATE('accounts')],
  },
  {
    id: 'user',
    kind: 'USER',
    label: 'User',
    identifier: 'user_id',
    extraKey: 'custom',
    restModes: ['upsert', 'update', 'delete'],
    syncModes: [UPSERT('users'), UPDATE('users')],
  },
  {
    id: 'event',
    kind: 'EVENT',
    label: 'Event',
    identifier: null,
    extraKey: 'properties',
    restModes: ['insert'],
    syncModes: [
      {
        id: 'insert',
        label: 'Insert',
        description: 'Records each new row as an event. Replays are recognised (by event_id, else by content) and never counted twice.',
      },
    ],
  },
];

export const OBJECT_IDS = OBJECTS.map((object) => object.id);
export const REST_MODES: readonly RestMode[] = ['upsert', 'update', 'insert', 'delete'];
export const HIGHTOUCH_TYPES: readonly HightouchType[] = ['STRING', 'NUMBER', 'BOOLEAN', 'DATETIME', 'ENUM', 'OBJECT', 'UNKNOWN'];

export function findObject(id: unknown): HightouchObject | undefined {
  return OBJECTS.find((object) => object.id === id);
}

export function findSyncMode(object: HightouchObject, id: unknown): ModeInfo | undefined {
  return object.syncModes.find((mode) => mode.id === id);
}

/** A field as Hightouch lists it. */
export interface FieldDescriptor {
  id: string;
  label: string;
  type: HightouchType;
  identifier: boolean;
  required: boolean;
  /** True for our typed default fields, false for the workspace's custom fields. */
  default: boolean;
}

/** Our field types in Hightouch's vocabulary: e-mails and URLs are strings to Hightouch; unknown or mixed is UNKNOWN. */
export function toHightouchType(type: string | null | undefined): HightouchType {
  switch (type) {
    case 'STRING':
    case 'EMAIL':
    case 'URL':
      return 'STRING';
    case 'NUMBER':
    case 'BOOLEAN':
    case 'DATETIME':
      return type;
    default:
      return 'UNKNOWN';
  }
}

/** Types a custom field can be declared with (Hightouch's names, plus our own EMAIL and URL). */
export const DECLARABLE_TYPES: Readonly<Record<string, FieldType>> = {
  STRING: 'STRING',
  NUMBER: 'NUMBER',
  BOOLEAN: 'BOOLEAN',
  DATETIME: 'DATETIME',
  EMAIL: 'EMAIL',
  URL: 'URL',
};

export function defaultFieldDescriptors(object: HightouchObject): FieldDescriptor[] {
  return DEFAULT_FIELDS[object.kind].map((field) => ({
    id: field.restId,
    label: field.label,
    type: toHightouchType(field.type),
    identifier: field.identifier === true,
    required: field.required,
    default: true,
  }));
}

/** The REST field ids of the default fields: custom keys that collide with them cannot be addressed through Hightouch. */
export function defaultFieldIds(object: HightouchObject): Set<string> {
  return new Set(DEFAULT_FIELDS[object.kind].map((field) => field.restId));
}
