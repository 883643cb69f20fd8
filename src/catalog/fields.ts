import type { FieldType, ObjectKind, RecordKind } from '../vocabulary.ts';
import type { SemanticType } from './inference.ts';

/**
 * The typed default fields of each object, defined once and read by the GraphQL resolvers
 * (src/insights/resolvers.ts), validation (src/ingest), the Hightouch adapter (field lists and the
 * `validate` step) and the catalog: their GraphQL/storage key, the snake_case id Hightouch mappings
 * use, their type and meaning, and whether a record needs them. Everything else a record carries is
 * a custom field. test/schema/field-model.test.ts holds schema.graphql to this list.
 */
export interface DefaultField {
  /** Key in GraphQL inputs and in stored `dims` (camelCase). */
  key: string;
  /** Field id in the Hightouch REST/JSON-RPC vocabulary (snake_case). */
  restId: string;
  label: string;
  type: FieldType;
  semantic: SemanticType | null;
  /** Needed to create the record (identifiers and event fields: needed by every write). */
  required: boolean;
  /** Why it is required, as the adapter's `validate` step explains it. */
  requiredBecause?: string;
  /** The record's identifier (not stored in dims). */
  identifier?: true;
}

const f = (
  key: string,
  restId: string,
  label: string,
  type: FieldType,
  semantic: SemanticType | null,
  extra: { requiredBecause?: string; identifier?: true } = {},
): DefaultField => ({
  key,
  restId,
  label,
  type,
  semantic,
  required: extra.requiredBecause !== undefined,
  ...(extra.requiredBecause ? { requiredBecause: extra.requiredBecause } : {}),
  ...(extra.identifier ? { identifier: true } : {}),
});

export const DEFAULT_FIELDS: Record<ObjectKind, readonly DefaultField[]> = {
  ACCOUNT: [
    f('id', 'account_id', 'Account ID', 'STRING', 'ACCOUNT_ID', {
      requiredBecause: 'it identifies the account in every sync',
      identifier: true,
    }),
    f('name', 'company_name', 'Company Name', 'STRING', 'COMPANY_NAME', { requiredBecause: 'accounts cannot be created without it' }),
    f('domain', 'domain', 'Domain', 'STRING', 'DOMAIN'),
    f('industry', 'industry', 'Industry', 'STRING', 'INDUSTRY'),
    f('employeeCount', 'employee_count', 'Employee Count', 'NUMBER', 'EMPLOYEE_COUNT'),
    f('seats', 'seats', 'Seats', 'NUMBER', 'SEATS'),
    f('plan', 'plan', 'Plan', 'STRING', 'PLAN'),
    f('region', 'region', 'Region', 'STRING', 'REGION'),
    f('country', 'country', 'Country', 'STRING', 'COUNTRY'),
    f('mrr', 'mrr', 'MRR', 'NUMBER', 'MRR'),
    f('arr', 'arr', 'ARR', 'NUMBER', 'ARR'),
    f('createdAt', 'created_at', 'Created At', 'DATETIME', 'CREATED_AT'),
    f('ownerEmail', 'owner_email', 'Owner Email', 'EMAIL', 'OWNER'),
  ],
  USER: [
    f('id', 'user_id', 'User ID', 'STRING', 'USER_ID', { requiredBecause: 'it identifies the user in every sync', identifier: true }),
    f('email', 'email', 'Email', 'EMAIL', 'EMAIL', { requiredBecause: 'users cannot be created without it' }),
    f('accountId', 'account_id', 'Account ID', 'STRING', 'ACCOUNT_ID'),
    f('name', 'name', 'Name', 'STRING', 'FULL_NAME'),
    f('firstName', 'first_name', 'First Name', 'STRING', 'FIRST_NAME'),
    f('lastName', 'last_name', 'Last Name', 'STRING', 'LAST_NAME'),
    f('title', 'title', 'Title', 'STRING', 'JOB_TITLE'),
    f('role', 'role', 'Role', 'STRING', 'ROLE'),
    f('createdAt', 'created_at', 'Created At', 'DATETIME', 'CREATED_AT'),
    f('lastSeenAt', 'last_seen_at', 'Last Seen At', 'DATETIME', 'LAST_SEEN_AT'),
  ],
  EVENT: [
    f('name', 'event_name', 'Event Name', 'STRING', null, { requiredBecause: 'it names the metric the event counts for' }),
    f('timestamp', 'timestamp', 'Timestamp', 'DATETIME', null, { requiredBecause: 'it says when the event happened' }),
    f('userId', 'user_id', 'User ID', 'STRING', 'USER_ID', { requiredBecause: 'it says who did it' }),
    f('accountId', 'account_id', 'Account ID', 'STRING', 'ACCOUNT_ID'),
    f('eventId', 'event_id', 'Event ID', 'STRING', null),
  ],
};

/**
 * The default field an account or user cannot be created without (a record already stored may be
 * updated without it). Identifiers are required by every write and checked as such.
 */
export function requiredOnCreate(object: RecordKind): DefaultField {
  const field = DEFAULT_FIELDS[object].find((f) => f.required && !f.identifier);
  if (!field) throw new Error(`No required-on-create field for ${object}`);
  return field;
}

export function defaultField(object: ObjectKind, key: string): DefaultField | undefined {
  return DEFAULT_FIELDS[object].find((field) => field.key === key);
}
