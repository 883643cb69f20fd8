import type { TestApp } from '../support/harness.ts';

/** GraphQL documents shared by the ingestion tests. */
export const PAYLOAD =
  'received created updated unchanged duplicate deleted notFound rejected results { index id status errors { field code message } }';
export const UPSERT_ACCOUNTS = `mutation($records: [AccountInput]!, $mode: UpsertMode) { upsertAccounts(input: { records: $records, mode: $mode }) { ${PAYLOAD} } }`;
export const UPSERT_USERS = `mutation($records: [UserInput]!, $mode: UpsertMode) { upsertUsers(input: { records: $records, mode: $mode }) { ${PAYLOAD} } }`;
export const TRACK = `mutation($records: [EventInput]!) { trackEvents(input: { records: $records }) { ${PAYLOAD} } }`;
export const DELETE_ACCOUNTS = `mutation($ids: [ID]!, $purge: Boolean) { deleteAccounts(input: { ids: $ids, purgeEvents: $purge }) { ${PAYLOAD} } }`;
export const DELETE_USERS = `mutation($ids: [ID]!, $purge: Boolean) { deleteUsers(input: { ids: $ids, purgeEvents: $purge }) { ${PAYLOAD} } }`;

type Client = Pick<TestApp, 'gql'>;

/** Accounts named after their IDs. */
export const upsertNamedAccounts = (t: Client, ids: readonly string[]) =>
  t.gql(UPSERT_ACCOUNTS, { records: ids.map((id) => ({ id, name: id })) });

/** Users `<id>@x.io`, each in the account its entry names (or in none: null). */
export const upsertUsersIn = (t: Client, accountOf: Record<string, string | null>) =>
  t.gql(UPSERT_USERS, {
    records: Object.entries(accountOf).map(([id, accountId]) => ({
      id,
      email: `${id}@x.io`,
      ...(accountId === null ? {} : { accountId }),
    })),
  });

/** Accounts named after their IDs, each with one user `<id>-u` (email `<id>@x.io`). */
export async function upsertAccountsWithOneUser(t: Client, ids: readonly string[]): Promise<void> {
  await upsertNamedAccounts(t, ids);
  await t.gql(UPSERT_USERS, { records: ids.map((id) => ({ id: `${id}-u`, email: `${id}@x.io`, accountId: id })) });
}
