import type { Context } from '../context.ts';
import type { AppServer } from '../http/app.ts';
import {
  type AccountInput,
  type EventInput,
  HightouchDeleteAccountsDocument,
  HightouchDeleteUsersDocument,
  HightouchTrackEventsDocument,
  HightouchUpsertAccountsDocument,
  HightouchUpsertUsersDocument,
  type UserInput,
} from './gql/graphql.ts';
import { type IngestPayload, toDeleteId, toGraphQLRecord } from './mapping.ts';
import type { HightouchObject, RestMode } from './objects.ts';

/**
 * The adapter's only way to write: one typed operation per call (src/hightouch/operations.graphql),
 * executed on the same Apollo server with the caller's context, so validation, per-record results,
 * the INGEST scope and the record limit are the API's own, checked once where the mutation runs;
 * a refusal comes back as the AppError the mutation raised, rendered by REST or JSON-RPC.
 */

export interface Caller {
  server: AppServer;
  ctx: Context;
}

/** Write a batch of Hightouch records with one mutation. The caller has checked that `mode` suits `object`. */
export async function ingest(caller: Caller, object: HightouchObject, mode: RestMode, records: readonly unknown[]): Promise<IngestPayload> {
  const { server, ctx } = caller;
  // Keys are the field model's GraphQL names and values pass untouched: the mutation validates each record.
  const rows = <Input>() => records.map((record) => toGraphQLRecord(object, record) as Input | null);
  const ids = () => records.map((record) => toDeleteId(object, record));
  const upsertMode = mode === 'update' ? 'UPDATE_ONLY' : 'UPSERT';
  switch (object.kind) {
    case 'EVENT':
      return (await server.execute(ctx, HightouchTrackEventsDocument, { input: { records: rows<EventInput>() } })).payload;
    case 'ACCOUNT':
      if (mode === 'delete') return (await server.execute(ctx, HightouchDeleteAccountsDocument, { input: { ids: ids() } })).payload;
      return (await server.execute(ctx, HightouchUpsertAccountsDocument, { input: { records: rows<AccountInput>(), mode: upsertMode } }))
        .payload;
    case 'USER':
      if (mode === 'delete') return (await server.execute(ctx, HightouchDeleteUsersDocument, { input: { ids: ids() } })).payload;
      return (await server.execute(ctx, HightouchUpsertUsersDocument, { input: { records: rows<UserInput>(), mode: upsertMode } })).payload;
  }
}
