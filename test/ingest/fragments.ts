/** GraphQL documents shared by the ingestion tests. */
export const PAYLOAD =
  'received created updated unchanged duplicate deleted notFound rejected results { index id status errors { field code message } }';
export const UPSERT_ACCOUNTS = `mutation($records: [AccountInput]!, $mode: UpsertMode) { upsertAccounts(input: { records: $records, mode: $mode }) { ${PAYLOAD} } }`;
export const UPSERT_USERS = `mutation($records: [UserInput]!, $mode: UpsertMode) { upsertUsers(input: { records: $records, mode: $mode }) { ${PAYLOAD} } }`;
export const TRACK = `mutation($records: [EventInput]!) { trackEvents(input: { records: $records }) { ${PAYLOAD} } }`;
export const DELETE_ACCOUNTS = `mutation($ids: [ID]!, $purge: Boolean) { deleteAccounts(input: { ids: $ids, purgeEvents: $purge }) { ${PAYLOAD} } }`;
export const DELETE_USERS = `mutation($ids: [ID]!, $purge: Boolean) { deleteUsers(input: { ids: $ids, purgeEvents: $purge }) { ${PAYLOAD} } }`;
