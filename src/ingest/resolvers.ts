import { DEFAULT_FIELDS } from '../catalog/fields.ts';
import { countCustomFields, declareField, loadKnownFields } from '../catalog/registry.ts';
import { type Context, requireScope } from '../context.ts';
import type { Resolvers } from '../graphql/generated.ts';
import { noteIngest } from '../keys/service.ts';
import { recordIngest } from '../observability/metrics.ts';
import * as ingest from './service.ts';
import { fieldKeyProblem, isStorableText } from './values.ts';

type IngestObject = 'account' | 'user' | 'event';

/**
 * Run one ingestion call for the caller's workspace, then note the arrival on the key (throttled)
 * and count the records in the metrics and the request's log line.
 */
async function ingestCall(ctx: Context, object: IngestObject, run: (env: ingest.IngestEnv) => Promise<ingest.IngestOutcome>) {
  requireScope(ctx, 'INGEST');
  const started = performance.now();
  const outcome = await run({ db: ctx.db, workspaceId: ctx.workspaceId, limits: ctx.config.limits });
  noteIngest(ctx.db, ctx.principal.key);
  ctx.database.noteWrites(outcome.created + outcome.updated + outcome.deleted);
  const { created, updated, unchanged, duplicate, deleted, notFound, rejected } = outcome;
  recordIngest(ctx, object, { created, updated, unchanged, duplicate, deleted, notFound, rejected }, (performance.now() - started) / 1000);
  return outcome;
}

export const ingestResolvers: Resolvers = {
  Mutation: {
    upsertAccounts: (_parent, { records, mode }, ctx) =>
      ingestCall(ctx, 'account', (env) => ingest.upsertRecords(env, 'ACCOUNT', records, mode ?? 'UPSERT')),
    upsertUsers: (_parent, { records, mode }, ctx) =>
      ingestCall(ctx, 'user', (env) => ingest.upsertRecords(env, 'USER', records, mode ?? 'UPSERT')),
    trackEvents: (_parent, { records }, ctx) => ingestCall(ctx, 'event', (env) => ingest.trackEvents(env, records)),
    deleteAccounts: (_parent, { ids, purgeEvents }, ctx) =>
      ingestCall(ctx, 'account', (env) => ingest.deleteRecords(env, 'ACCOUNT', ids, purgeEvents ?? false)),
    deleteUsers: (_parent, { ids, purgeEvents }, ctx) =>
      ingestCall(ctx, 'user', (env) => ingest.deleteRecords(env, 'USER', ids, purgeEvents ?? false)),
    createCustomField: async (_parent, { input }, ctx) => {
      requireScope(ctx, 'INGEST');
      const reserved = new Set(DEFAULT_FIELDS[input.object].flatMap((f) => [f.key, f.restId]));
      const problem = fieldKeyProblem(input.key, ctx.config.limits.maxFieldKeyLength, reserved);
      if (problem) return { field: null, userErrors: [{ field: ['input', 'key'], message: problem, code: 'INVALID' }] };
      if (input.label != null && (!isStorableText(input.label) || input.label.length > 200)) {
        return {
          field: null,
          userErrors: [{ field: ['input', 'label'], message: 'Labels are at most 200 characters of valid text.', code: 'INVALID' }],
        };
      }
      const limit = ctx.config.limits.maxCustomFieldsPerWorkspace;
      const known = await loadKnownFields(ctx.db, ctx.workspaceId, input.object, [input.key]);
      if (!known.has(input.key) && (await countCustomFields(ctx.db, ctx.workspaceId)) >= limit) {
        const message = `The workspace has reached its limit of ${limit} custom fields; fields already known still work.`;
        return { field: null, userErrors: [{ field: ['input', 'key'], message, code: 'INVALID' }] };
      }
      const result = await declareField(ctx.db, ctx.workspaceId, input);
      if (!result.ok) return { field: null, userErrors: [{ field: ['input', 'type'], message: result.message, code: result.code }] };
      return { field: result.field, userErrors: [] };
    },
  },
};
