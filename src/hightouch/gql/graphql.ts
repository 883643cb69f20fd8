/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/**
 * An account row. Required: `id` and `name`. Every field other than `id` follows merge rules: absent
 * leaves the stored value, `null` clears it. Field types are checked per record, so one bad value
 * rejects only its record.
 */
export type AccountInput = {
  /** Annual recurring revenue (number). */
  arr?: unknown;
  /** Country name or code. */
  country?: unknown;
  /** When the customer became a customer (the warehouse's value, not ours). */
  createdAt?: unknown;
  /**
   * Custom fields: an object of key → string | number | boolean | null (ISO date-time strings are
   * typed DATETIME). Keys: 1–128 characters of letters, digits, space, `_ - . ( ) /`, not starting
   * with `$`; at most 256 fields per record; values up to 8 KB.
   */
  custom?: unknown;
  /** Company web domain, e.g. `acme.com`. */
  domain?: unknown;
  /** Number of employees (integer ≥ 0). */
  employeeCount?: unknown;
  /** Account ID: the same ID in every sync and source (string, 1–256 characters). Required. */
  id?: unknown;
  /** Industry, e.g. `Software`. */
  industry?: unknown;
  /** Monthly recurring revenue (number). */
  mrr?: unknown;
  /** Company name. Required when creating. */
  name?: unknown;
  /** E-mail of the account owner / CSM. */
  ownerEmail?: unknown;
  /** Pricing plan or tier. */
  plan?: unknown;
  /** Sales region, e.g. `EMEA`. */
  region?: unknown;
  /** Purchased or licensed seats (integer ≥ 0). */
  seats?: unknown;
};

/** Input of `createCustomField`. */
export type CreateCustomFieldInput = {
  /** Field key as it will appear in records' `custom` (or event `properties`). */
  key: string;
  /** Display label (default: derived from the key). */
  label?: string | null | undefined;
  /** The object the field belongs to (`EVENT`: an event property). */
  object: ObjectKind;
  /** The enforced type. */
  type: FieldType;
};

/** The input of `deleteAccounts`. */
export type DeleteAccountsInput = {
  /** Account IDs to delete, at most 1,000 (`MAX_BATCH_RECORDS`). */
  ids: Array<string | number | null | undefined>;
  /** Also delete the events attributed to these accounts. */
  purgeEvents?: boolean | null | undefined;
};

/** The input of `deleteUsers`. */
export type DeleteUsersInput = {
  /** User IDs to delete, at most 1,000 (`MAX_BATCH_RECORDS`). */
  ids: Array<string | number | null | undefined>;
  /** Also delete the events of these users. */
  purgeEvents?: boolean | null | undefined;
};

/** An event row. Required: `name`, `timestamp`, `userId`. */
export type EventInput = {
  /** Account ID (recommended). When absent the event counts for the user's account. */
  accountId?: unknown;
  /** Caller's idempotency key. When absent a hash of the event's content is used. */
  eventId?: unknown;
  /** Event name, e.g. `Signed In`. Becomes a count metric. Required. */
  name?: unknown;
  /** Extra columns. Numeric ones become value metrics. Same key rules as custom fields. */
  properties?: unknown;
  /** When it happened. Required; 2000-01-01 ≤ timestamp ≤ now + 24 h. */
  timestamp?: unknown;
  /** User ID of the actor. Required; the user need not exist yet. */
  userId?: unknown;
};

/** The inferred (or declared) type of a field. */
export const FieldType = {
  /** True or false. */
  Boolean: 'BOOLEAN',
  /** An instant (ISO-8601 date-time). */
  Datetime: 'DATETIME',
  /** An e-mail address. */
  Email: 'EMAIL',
  /** Values of different types were received. */
  Mixed: 'MIXED',
  /** A number. */
  Number: 'NUMBER',
  /** Text. */
  String: 'STRING',
  /** A web address. */
  Url: 'URL'
} as const;

export type FieldType = typeof FieldType[keyof typeof FieldType];
/** The objects that carry fields. */
export const ObjectKind = {
  /** Accounts (companies). */
  Account: 'ACCOUNT',
  /** Event properties. */
  Event: 'EVENT',
  /** Users of the customer's product. */
  User: 'USER'
} as const;

export type ObjectKind = typeof ObjectKind[keyof typeof ObjectKind];
/** Stable machine codes of per-record problems. A rejected record lists every problem it has. */
export const RecordErrorCode = {
  /** The record would add custom fields past the workspace's limit (`MAX_CUSTOM_FIELDS_PER_WORKSPACE`, 10,000); known fields still work. */
  FieldLimitReached: 'FIELD_LIMIT_REACHED',
  /** Not a valid e-mail address. */
  InvalidEmail: 'INVALID_EMAIL',
  /** A custom field key is empty, too long, uses forbidden characters or collides with a default field. */
  InvalidFieldKey: 'INVALID_FIELD_KEY',
  /** A number is out of range for the field (e.g. negative seats, non-integer employee count). */
  InvalidNumber: 'INVALID_NUMBER',
  /** The record is not an object. */
  InvalidRecord: 'INVALID_RECORD',
  /** Not a recognisable timestamp. */
  InvalidTimestamp: 'INVALID_TIMESTAMP',
  /** A required field is missing, null or empty. */
  Required: 'REQUIRED',
  /** Before 2000-01-01 or more than 24 hours in the future. */
  TimestampOutOfRange: 'TIMESTAMP_OUT_OF_RANGE',
  /** More custom fields than allowed on one record. */
  TooManyFields: 'TOO_MANY_FIELDS',
  /** The record would add custom fields new to the catalog past the call's allowance (`MAX_NEW_FIELDS_PER_CALL`, 500): send it again in a later call. */
  TooManyNewFields: 'TOO_MANY_NEW_FIELDS',
  /** The value's type does not fit the field (e.g. text in a number field, or a declared custom field type). */
  TypeMismatch: 'TYPE_MISMATCH',
  /** A string value or ID is longer than allowed. */
  ValueTooLong: 'VALUE_TOO_LONG'
} as const;

export type RecordErrorCode = typeof RecordErrorCode[keyof typeof RecordErrorCode];
/** What happened to one input record. */
export const RecordStatus = {
  /** A new record was stored. */
  Created: 'CREATED',
  /** The record was deleted. */
  Deleted: 'DELETED',
  /** An event already stored (same dedup key); it is not counted again. */
  Duplicate: 'DUPLICATE',
  /** No record with this ID (update-only mode or delete). */
  NotFound: 'NOT_FOUND',
  /** The record was refused; `errors` says why. Nothing of it was stored. */
  Rejected: 'REJECTED',
  /** An existing record already held exactly these values; nothing was written. */
  Unchanged: 'UNCHANGED',
  /** An existing record changed. */
  Updated: 'UPDATED'
} as const;

export type RecordStatus = typeof RecordStatus[keyof typeof RecordStatus];
/** The input of `trackEvents`. */
export type TrackEventsInput = {
  /** The event rows, at most 1,000 (`MAX_BATCH_RECORDS`); a null or malformed entry is rejected on its own. */
  records: Array<EventInput | null | undefined>;
};

/** The input of `upsertAccounts`. */
export type UpsertAccountsInput = {
  /** Create unknown IDs (`UPSERT`, default) or only update known ones (`UPDATE_ONLY`). */
  mode?: UpsertMode | null | undefined;
  /** The account rows, at most 1,000 (`MAX_BATCH_RECORDS`); a null or malformed entry is rejected on its own. */
  records: Array<AccountInput | null | undefined>;
};

/** How an upsert treats unknown IDs (Hightouch's sync modes). */
export const UpsertMode = {
  /** Update known records only; unknown IDs are reported `NOT_FOUND` and nothing is created. */
  UpdateOnly: 'UPDATE_ONLY',
  /** Create unknown records, update known ones. */
  Upsert: 'UPSERT'
} as const;

export type UpsertMode = typeof UpsertMode[keyof typeof UpsertMode];
/** The input of `upsertUsers`. */
export type UpsertUsersInput = {
  /** Create unknown IDs (`UPSERT`, default) or only update known ones (`UPDATE_ONLY`). */
  mode?: UpsertMode | null | undefined;
  /** The user rows, at most 1,000 (`MAX_BATCH_RECORDS`); a null or malformed entry is rejected on its own. */
  records: Array<UserInput | null | undefined>;
};

/** Stable codes of `MutationError`. */
export const UserErrorCode = {
  /** The object is already in the requested state (e.g. revoking a revoked key). */
  AlreadyDone: 'ALREADY_DONE',
  /** A field with this key already exists with a different type. */
  Conflict: 'CONFLICT',
  /** A value is missing or malformed. */
  Invalid: 'INVALID',
  /** The referenced object does not exist in this workspace. */
  NotFound: 'NOT_FOUND'
} as const;

export type UserErrorCode = typeof UserErrorCode[keyof typeof UserErrorCode];
/** A user row. Required: `id` and `email` (when creating). Merge rules as on `AccountInput`. */
export type UserInput = {
  /** Account ID of the user's account (recommended). The account need not exist yet. */
  accountId?: unknown;
  /** When the user signed up (the warehouse's value). */
  createdAt?: unknown;
  /** Custom fields, as on `AccountInput.custom`. */
  custom?: unknown;
  /** E-mail address. Required when creating. */
  email?: unknown;
  /** Given name. */
  firstName?: unknown;
  /** User ID: the same ID in every sync and source. Required. */
  id?: unknown;
  /** Family name. */
  lastName?: unknown;
  /** When the user was last active in the product. */
  lastSeenAt?: unknown;
  /** Full name. */
  name?: unknown;
  /** Role in the product, e.g. `admin`. */
  role?: unknown;
  /** Job title. */
  title?: unknown;
};

export type HightouchIngestPayloadFragment = { received: number, created: number, updated: number, unchanged: number, duplicate: number, deleted: number, notFound: number, rejected: number, results: Array<{ index: number, id: string | null, status: RecordStatus, errors: Array<{ field: string | null, code: RecordErrorCode, message: string }> }> };

export type HightouchUpsertAccountsMutationVariables = Exact<{
  input: UpsertAccountsInput;
}>;


export type HightouchUpsertAccountsMutation = { payload: { received: number, created: number, updated: number, unchanged: number, duplicate: number, deleted: number, notFound: number, rejected: number, results: Array<{ index: number, id: string | null, status: RecordStatus, errors: Array<{ field: string | null, code: RecordErrorCode, message: string }> }> } };

export type HightouchUpsertUsersMutationVariables = Exact<{
  input: UpsertUsersInput;
}>;


export type HightouchUpsertUsersMutation = { payload: { received: number, created: number, updated: number, unchanged: number, duplicate: number, deleted: number, notFound: number, rejected: number, results: Array<{ index: number, id: string | null, status: RecordStatus, errors: Array<{ field: string | null, code: RecordErrorCode, message: string }> }> } };

export type HightouchTrackEventsMutationVariables = Exact<{
  input: TrackEventsInput;
}>;


export type HightouchTrackEventsMutation = { payload: { received: number, created: number, updated: number, unchanged: number, duplicate: number, deleted: number, notFound: number, rejected: number, results: Array<{ index: number, id: string | null, status: RecordStatus, errors: Array<{ field: string | null, code: RecordErrorCode, message: string }> }> } };

export type HightouchDeleteAccountsMutationVariables = Exact<{
  input: DeleteAccountsInput;
}>;


export type HightouchDeleteAccountsMutation = { payload: { received: number, created: number, updated: number, unchanged: number, duplicate: number, deleted: number, notFound: number, rejected: number, results: Array<{ index: number, id: string | null, status: RecordStatus, errors: Array<{ field: string | null, code: RecordErrorCode, message: string }> }> } };

export type HightouchDeleteUsersMutationVariables = Exact<{
  input: DeleteUsersInput;
}>;


export type HightouchDeleteUsersMutation = { payload: { received: number, created: number, updated: number, unchanged: number, duplicate: number, deleted: number, notFound: number, rejected: number, results: Array<{ index: number, id: string | null, status: RecordStatus, errors: Array<{ field: string | null, code: RecordErrorCode, message: string }> }> } };

export type HightouchCreateCustomFieldMutationVariables = Exact<{
  input: CreateCustomFieldInput;
}>;


export type HightouchCreateCustomFieldMutation = { payload: { field: { key: string, label: string, type: FieldType, declaredType: FieldType | null } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export const HightouchIngestPayloadFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"HightouchIngestPayload"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"IngestPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"received"}},{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"updated"}},{"kind":"Field","name":{"kind":"Name","value":"unchanged"}},{"kind":"Field","name":{"kind":"Name","value":"duplicate"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"notFound"}},{"kind":"Field","name":{"kind":"Name","value":"rejected"}},{"kind":"Field","name":{"kind":"Name","value":"results"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<HightouchIngestPayloadFragment, unknown>;
export const HightouchUpsertAccountsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"HightouchUpsertAccounts"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpsertAccountsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"payload"},"name":{"kind":"Name","value":"upsertAccounts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"HightouchIngestPayload"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"HightouchIngestPayload"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"IngestPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"received"}},{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"updated"}},{"kind":"Field","name":{"kind":"Name","value":"unchanged"}},{"kind":"Field","name":{"kind":"Name","value":"duplicate"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"notFound"}},{"kind":"Field","name":{"kind":"Name","value":"rejected"}},{"kind":"Field","name":{"kind":"Name","value":"results"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<HightouchUpsertAccountsMutation, HightouchUpsertAccountsMutationVariables>;
export const HightouchUpsertUsersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"HightouchUpsertUsers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpsertUsersInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"payload"},"name":{"kind":"Name","value":"upsertUsers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"HightouchIngestPayload"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"HightouchIngestPayload"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"IngestPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"received"}},{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"updated"}},{"kind":"Field","name":{"kind":"Name","value":"unchanged"}},{"kind":"Field","name":{"kind":"Name","value":"duplicate"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"notFound"}},{"kind":"Field","name":{"kind":"Name","value":"rejected"}},{"kind":"Field","name":{"kind":"Name","value":"results"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<HightouchUpsertUsersMutation, HightouchUpsertUsersMutationVariables>;
export const HightouchTrackEventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"HightouchTrackEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"TrackEventsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"payload"},"name":{"kind":"Name","value":"trackEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"HightouchIngestPayload"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"HightouchIngestPayload"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"IngestPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"received"}},{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"updated"}},{"kind":"Field","name":{"kind":"Name","value":"unchanged"}},{"kind":"Field","name":{"kind":"Name","value":"duplicate"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"notFound"}},{"kind":"Field","name":{"kind":"Name","value":"rejected"}},{"kind":"Field","name":{"kind":"Name","value":"results"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<HightouchTrackEventsMutation, HightouchTrackEventsMutationVariables>;
export const HightouchDeleteAccountsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"HightouchDeleteAccounts"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DeleteAccountsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"payload"},"name":{"kind":"Name","value":"deleteAccounts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"HightouchIngestPayload"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"HightouchIngestPayload"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"IngestPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"received"}},{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"updated"}},{"kind":"Field","name":{"kind":"Name","value":"unchanged"}},{"kind":"Field","name":{"kind":"Name","value":"duplicate"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"notFound"}},{"kind":"Field","name":{"kind":"Name","value":"rejected"}},{"kind":"Field","name":{"kind":"Name","value":"results"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<HightouchDeleteAccountsMutation, HightouchDeleteAccountsMutationVariables>;
export const HightouchDeleteUsersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"HightouchDeleteUsers"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DeleteUsersInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"payload"},"name":{"kind":"Name","value":"deleteUsers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"HightouchIngestPayload"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"HightouchIngestPayload"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"IngestPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"received"}},{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"updated"}},{"kind":"Field","name":{"kind":"Name","value":"unchanged"}},{"kind":"Field","name":{"kind":"Name","value":"duplicate"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"notFound"}},{"kind":"Field","name":{"kind":"Name","value":"rejected"}},{"kind":"Field","name":{"kind":"Name","value":"results"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<HightouchDeleteUsersMutation, HightouchDeleteUsersMutationVariables>;
export const HightouchCreateCustomFieldDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"HightouchCreateCustomField"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateCustomFieldInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"payload"},"name":{"kind":"Name","value":"createCustomField"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"declaredType"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}}]} as unknown as DocumentNode<HightouchCreateCustomFieldMutation, HightouchCreateCustomFieldMutationVariables>;