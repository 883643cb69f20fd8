import type { Resolvers } from '../__generated__/types.ts';
import { DEFAULT_FIELDS } from '../catalog/fields.ts';
import { countCustomFields, declareField, loadKnownFields } from '../catalog/registry.ts';
import type { Context } from '../context.ts';
import { badUserInput } from '../errors.ts';
import { noteIngest } from '../keys/service.ts';
import { recordIngest } from '../observability/metrics.ts';
import type { ObjectKind } from '../vocabulary.ts';
import { listIssues } from './issues.ts';
import * as ingest from './service.ts';
import { fieldKeyProblem, isStorableText } from './values.ts';

/**
 * Run one ingestion call for the caller's workspace, then note the arrival on the key (throttled)
 * and count the records in the metrics and the request's log line.
 */
async function ingestCall(ctx: Context, object: ObjectKind, run: (env: ingest.IngestEnv) => Promise<ingest.IngestOutcome>) {
  const started = performance.now();
  const outcome = await run({ db: ctx.db, workspaceId: ctx.workspaceId, limits: ctx.config.limits, folder: ctx.folder, now: ctx.now() });
  noteIngest(ctx.db, ctx.principal.key);
  ctx.database.noteWrites(outcome.created + outcome.updated + outcome.deleted);
  const { created, updated, unchanged, duplicate, deleted, notFound, rejected } = outcome;
  recordIngest(
    ctx,
    object.toLowerCase() as Lowercase<ObjectKind>,
    { created, updated, unchanged, duplicate, deleted, notFound, rejected },
    (performance.now() - started) / 1000,
  );
  return outcome;
}

const MAX_COUNT = 2_147_483_647;

function issuesPage(first: number | null | undefined, fallback: number): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > 500) throw badUserInput('first must be between 1 and 500.', { argument: 'first' });
  return size;
}

export const ingestResolvers: Resolvers = {
  Query: {
    ingestIssues: async (_parent, { object, field, code, first }, ctx) => {
      // The log stores a whole-record problem under the field ''.
      return listIssues(ctx.db, ctx.workspaceId, { object, field, code, first: issuesPage(first, 50) });
    },
  },
  Integration: {
    issues: async (_integration, { first }, ctx) => listIssues(ctx.db, ctx.workspaceId, { first: issuesPage(first, 5) }),
  },
  IngestIssue: {
    field: (issue) => (issue.field === '' ? null : issue.field),
    count: (issue) => Math.min(issue.count, MAX_COUNT),
    samples: (issue) =>
      issue.samples.map((sample) => ({ recordId: sample.recordId, message: sample.message, seenAt: new Date(sample.at) })),
  },
  Mutation: {
    upsertAccounts: (_parent, { input: { records, mode } }, ctx) =>
      ingestCall(ctx, 'ACCOUNT', (env) => ingest.upsertRecords(env, 'ACCOUNT', records, mode ?? 'UPSERT')),
    upsertUsers: (_parent, { input: { records, mode } }, ctx) =>
      ingestCall(ctx, 'USER', (env) => ingest.upsertRecords(env, 'USER', records, mode ?? 'UPSERT')),
    trackEvents: (_parent, { input: { records } }, ctx) => ingestCall(ctx, 'EVENT', (env) => ingest.trackEvents(env, records)),
    deleteAccounts: (_parent, { input: { ids, purgeEvents } }, ctx) =>
      ingestCall(ctx, 'ACCOUNT', (env) => ingest.deleteRecords(env, 'ACCOUNT', ids, purgeEvents ?? false)),
    deleteUsers: (_parent, { input: { ids, purgeEvents } }, ctx) =>
      ingestCall(ctx, 'USER', (env) => ingest.deleteRecords(env, 'USER', ids, purgeEvents ?? false)),
    createCustomField: async (_parent, { input }, ctx) => {
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
