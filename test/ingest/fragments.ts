/** GraphQL documents shared by the ingestion tests. */
export const PAYLOAD =
  'received created updated unchanged duplicate deleted notFound rejected results { index id status errors { field code message } }';
export const UPSERT_ACCOUNTS = `mutation($records: [AccountInput]!, $mode: UpsertMode) { upsertAccounts(records: $records, mode: $mode) { ${PAYLOAD} } }`;
export const UPSERT_USERS = `mutation($records: [UserInput]!, $mode: UpsertMode) { upsertUsers(records: $records, mode: $mode) { ${PAYLOAD} } }`;
export const TRACK = `mutation($records: [EventInput]!) { trackEvents(records: $records) { ${PAYLOAD} } }`;
export const DELETE_ACCOUNTS = `mutation($ids: [ID]!, $purge: Boolean) { deleteAccounts(ids: $ids, purgeEvents: $purge) { ${PAYLOAD} } }`;
export const DELETE_USERS = `mutation($ids: [ID]!, $purge: Boolean) { deleteUsers(ids: $ids, purgeEvents: $purge) { ${PAYLOAD} } }`;
