import type { Context } from '../context.ts';
import { rethrowFault } from '../errors.ts';
import type { AppServer } from '../http/app.ts';
import { fromGraphQLError, internal } from './errors.ts';
import { INGEST_PAYLOAD_SELECTION, type IngestPayload, toDeleteId, toGraphQLRecord } from './mapping.ts';
import type { HightouchObject, RestMode } from './objects.ts';

/**
 * The adapter's only way to write: one GraphQL mutation per call, executed on the same Apollo
 * server with the caller's context, so validation, per-record results, the INGEST scope and the
 * record limit are the API's own, checked once where the mutation runs.
 */

export interface Caller {
  server: AppServer;
  ctx: Context;
}

const upsert = (field: string, input: string) =>
  `mutation Hightouch_${field}($records: [${input}]!, $mode: UpsertMode) { payload: ${field}(input: { records: $records, mode: $mode }) { ${INGEST_PAYLOAD_SELECTION} } }`;
const remove = (field: string) =>
  `mutation Hightouch_${field}($ids: [ID]!) { payload: ${field}(input: { ids: $ids }) { ${INGEST_PAYLOAD_SELECTION} } }`;

const MUTATIONS = {
  ACCOUNT: { upsert: upsert('upsertAccounts', 'AccountInput'), delete: remove('deleteAccounts') },
  USER: { upsert: upsert('upsertUsers', 'UserInput'), delete: remove('deleteUsers') },
  EVENT: {
    insert: `mutation Hightouch_trackEvents($records: [EventInput]!) { payload: trackEvents(input: { records: $records }) { ${INGEST_PAYLOAD_SELECTION} } }`,
  },
};

/** Run one operation whose root field is aliased `payload`; thrown GraphQL errors become AppErrors. */
export async function runOperation<T>(caller: Caller, query: string, variables: Record<string, unknown>): Promise<T> {
  let result: Awaited<ReturnType<AppServer['execute']>>;
  try {
    result = await caller.server.execute(caller.ctx, query, variables);
  } catch (error) {
    rethrowFault(error);
  }
  const error = result.errors?.[0];
  if (error) throw fromGraphQLError(error, caller.ctx.log);
  const payload = (result.data as { payload?: T } | null | undefined)?.payload;
  if (!payload) {
    caller.ctx.log.error('hightouch adapter: operation returned no payload');
    throw internal();
  }
  return payload;
}

/** Write a batch of Hightouch records with one mutation. The caller has checked that `mode` suits `object`. */
export async function ingest(caller: Caller, object: HightouchObject, mode: RestMode, records: readonly unknown[]): Promise<IngestPayload> {
  if (object.kind === 'EVENT') {
    return runOperation(caller, MUTATIONS.EVENT.insert, { records: records.map((record) => toGraphQLRecord(object, record)) });
  }
  const mutations = MUTATIONS[object.kind];
  if (mode === 'delete') {
    return runOperation(caller, mutations.delete, { ids: records.map((record) => toDeleteId(object, record)) });
  }
  return runOperation(caller, mutations.upsert, {
    records: records.map((record) => toGraphQLRecord(object, record)),
    mode: mode === 'update' ? 'UPDATE_ONLY' : 'UPSERT',
  });
}
