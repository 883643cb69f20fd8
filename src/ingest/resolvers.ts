import { DEFAULT_FIELDS } from '../catalog/fields.ts';
import { declareField } from '../catalog/registry.ts';
import { type Context, requireScope } from '../context.ts';
import type { Resolvers } from '../graphql/generated.ts';
import { noteIngest } from '../keys/service.ts';
import * as ingest from './service.ts';
import { fieldKeyProblem } from './values.ts';

function env(ctx: Context): ingest.IngestEnv {
  requireScope(ctx, 'INGEST');
  return { db: ctx.db, workspaceId: ctx.workspaceId, limits: ctx.config.limits };
}

/** After a successful call: note the arrival on the key (throttled). */
function done(ctx: Context, outcome: ingest.IngestOutcome): ingest.IngestOutcome {
  noteIngest(ctx.db, ctx.principal.key);
  return outcome;
}

export const ingestResolvers: Resolvers = {
  Mutation: {
    upsertAccounts: async (_parent, { records, mode }, ctx) =>
      done(ctx, await ingest.upsertRecords(env(ctx), 'ACCOUNT', records, mode ?? 'UPSERT')),
    upsertUsers: async (_parent, { records, mode }, ctx) =>
      done(ctx, await ingest.upsertRecords(env(ctx), 'USER', records, mode ?? 'UPSERT')),
    trackEvents: async (_parent, { records }, ctx) => done(ctx, await ingest.trackEvents(env(ctx), records)),
    deleteAccounts: async (_parent, { ids, purgeEvents }, ctx) =>
      done(ctx, await ingest.deleteRecords(env(ctx), 'ACCOUNT', ids, purgeEvents ?? false)),
    deleteUsers: async (_parent, { ids, purgeEvents }, ctx) =>
      done(ctx, await ingest.deleteRecords(env(ctx), 'USER', ids, purgeEvents ?? false)),
    createCustomField: async (_parent, { input }, ctx) => {
      requireScope(ctx, 'INGEST');
      const reserved = new Set(DEFAULT_FIELDS[input.object].flatMap((f) => [f.key, f.restId]));
      const problem = fieldKeyProblem(input.key, ctx.config.limits.maxFieldKeyLength, reserved);
      if (problem) return { field: null, userErrors: [{ field: ['input', 'key'], message: problem, code: 'INVALID' }] };
      const result = await declareField(ctx.db, ctx.workspaceId, input);
      if (!result.ok) return { field: null, userErrors: [{ field: ['input', 'type'], message: result.message, code: result.code }] };
      return { field: result.field, userErrors: [] };
    },
  },
};
