import type { FieldType, ObjectKind, SemanticType } from './inference.ts';

/**
 * The typed default fields of each object: their GraphQL/storage key, the snake_case id Hightouch
 * mappings use, and what they mean. Everything else a record carries is a custom field.
 */
export interface DefaultField {
  /** Key in GraphQL inputs and in stored `dims` (camelCase). */
  key: string;
  /** Field id in the Hightouch REST/JSON-RPC vocabulary (snake_case). */
  restId: string;
  label: string;
  type: FieldType;
  semantic: SemanticType | null;
  /** Needed to create the record. */
  required: boolean;
  /** The record's identifier (not stored in dims). */
  identifier?: true;
}

const f = (
  key: string,
  restId: string,
  label: string,
  type: FieldType,
  semantic: SemanticType | null,
  extra: { required?: boolean; identifier?: true } = {},
): DefaultField => ({
  key,
  restId,
  label,
  type,
  semantic,
  required: extra.required ?? false,
  ...(extra.identifier ? { identifier: true } : {}),
});

export const DEFAULT_FIELDS: Record<ObjectKind, readonly DefaultField[]> = {
  ACCOUNT: [
    f('id', 'account_id', 'Account ID', 'STRING', 'ACCOUNT_ID', { required: true, identifier: true }),
    f('name', 'company_name', 'Company Name', 'STRING', 'COMPANY_NAME', { required: true }),
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
    f('id', 'user_id', 'User ID', 'STRING', 'USER_ID', { required: true, identifier: true }),
    f('email', 'email', 'Email', 'EMAIL', 'EMAIL', { required: true }),
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
    f('name', 'event_name', 'Event Name', 'STRING', null, { required: true }),
    f('timestamp', 'timestamp', 'Timestamp', 'DATETIME', null, { required: true }),
    f('userId', 'user_id', 'User ID', 'STRING', 'USER_ID', { required: true }),
    f('accountId', 'account_id', 'Account ID', 'STRING', 'ACCOUNT_ID'),
    f('eventId', 'event_id', 'Event ID', 'STRING', null),
  ],
};

export function defaultField(object: ObjectKind, key: string): DefaultField | undefined {
  return DEFAULT_FIELDS[object].find((field) => field.key === key);
}
