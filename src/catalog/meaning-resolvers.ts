import type { MetricRole as MetricRoleEnum, MutationError, Resolvers, SemanticType as SemanticTypeEnum } from '../__generated__/types.ts';
import type { Context } from '../context.ts';
import { catalogLoaders } from './loaders.ts';
import type { MetricMeaning } from './meaning.ts';
import type { DimensionModel, MetricModel } from './models.ts';
import { clearOverride, setOverride } from './overrides.ts';
import { inferredMeaning, loadDimensions, metricCatalog } from './queries.ts';
import { inferMetricRole, roleFits } from './roles.ts';

// Corrections of meaning (setDimensionSemantic, setMetricRole) and the meaning fields of
// Dimension and Metric. Overrides live in their own table, so ingestion never undoes them.

/** The effective meaning of a dimension row; rows straight from the catalog table are looked up. */
export async function dimensionMeaning(d: DimensionModel, ctx: Context): Promise<DimensionModel> {
  if (d.semanticOverridden !== undefined) return d;
  return (
    (await catalogLoaders(ctx).dimensions.load(d.object)).find((x) => x.key === d.key) ?? {
      ...d,
      inferredSemantic: d.semantic,
      semanticOverridden: false,
      semanticEvidence: inferredMeaning(d, null).evidence,
    }
  );
}

async function metricMeaning(m: MetricModel, ctx: Context): Promise<Pick<MetricMeaning, 'role' | 'inferredRole' | 'overridden'>> {
  const found = (await catalogLoaders(ctx).metricMeanings.load('')).find((x) => x.kind === m.kind && x.name === m.name);
  if (found) return found;
  const inferred = inferMetricRole(m.kind, m.name);
  return { role: inferred, inferredRole: inferred, overridden: false };
}

/** Forget what this request read about meanings: a correction was just written. */
function forgetMeanings(ctx: Context): void {
  catalogLoaders(ctx).dimensions.clearAll();
  catalogLoaders(ctx).metricMeanings.clearAll();
  catalogLoaders(ctx).semantics.clearAll();
}

const invalid = (field: string[], message: string): MutationError => ({ field, message, code: 'INVALID' });

export const meaningResolvers: Resolvers = {
  Mutation: {
    setDimensionSemantic: async (_parent, { input }, ctx) => {
      const fail = (error: MutationError) => ({ dimension: null, userErrors: [error] });
      if (input.reset && input.semantic != null) {
        return fail(invalid(['input', 'semantic'], 'Give a `semantic` or `reset: true`, not both.'));
      }
      const known = (await loadDimensions(ctx.db, ctx.workspaceId, input.object)).some((d) => d.key === input.key);
      if (!known) {
        return fail({
          field: ['input', 'key'],
          message: `No ${input.object} dimension \`${input.key}\`: query \`dimensions(object: ${input.object})\` for the keys.`,
          code: 'NOT_FOUND',
        });
      }
      if (input.reset) await clearOverride(ctx.db, ctx.workspaceId, input.object, input.key);
      else await setOverride(ctx.db, ctx.workspaceId, input.object, input.key, input.semantic ?? null);
      forgetMeanings(ctx);
      const dimension = (await catalogLoaders(ctx).dimensions.load(input.object)).find((d) => d.key === input.key) ?? null;
      return { dimension, userErrors: [] };
    },
    setMetricRole: async (_parent, { input }, ctx) => {
      const fail = (error: MutationError) => ({ metric: null, userErrors: [error] });
      const { kind, name } = input.metric;
      if (input.reset && input.role != null) return fail(invalid(['input', 'role'], 'Give a `role` or `reset: true`, not both.'));
      if (input.role != null && !roleFits(kind, input.role)) {
        const fits = kind === 'COUNT' ? 'an event role (SIGN_IN … ENGAGEMENT)' : 'a value role (REVENUE, QUANTITY, DURATION)';
        return fail(invalid(['input', 'role'], `${input.role} does not fit a ${kind} metric: give it ${fits}.`));
      }
      const [metric] = await metricCatalog(ctx.db, ctx.workspaceId, {
        events: kind === 'COUNT' ? [name] : [],
        properties: kind === 'VALUE' ? [name] : [],
      });
      if (!metric || metric.kind !== kind) {
        return fail({
          field: ['input', 'metric', 'name'],
          message: `No ${kind} metric \`${name}\`: query \`metrics(kind: ${kind})\` for the names.`,
          code: 'NOT_FOUND',
        });
      }
      if (input.reset) await clearOverride(ctx.db, ctx.workspaceId, kind, name);
      else await setOverride(ctx.db, ctx.workspaceId, kind, name, input.role ?? null);
      forgetMeanings(ctx);
      return { metric, userErrors: [] };
    },
  },
  Dimension: {
    inferredSemantic: async (d, _args, ctx) => (await dimensionMeaning(d, ctx)).inferredSemantic as SemanticTypeEnum | null,
    semanticOverridden: async (d, _args, ctx) => (await dimensionMeaning(d, ctx)).semanticOverridden ?? false,
    semanticEvidence: async (d, _args, ctx) => (await dimensionMeaning(d, ctx)).semanticEvidence ?? null,
  },
  Metric: {
    role: async (m, _args, ctx) => (await metricMeaning(m, ctx)).role as MetricRoleEnum | null,
    inferredRole: async (m, _args, ctx) => (await metricMeaning(m, ctx)).inferredRole as MetricRoleEnum | null,
    roleOverridden: async (m, _args, ctx) => (await metricMeaning(m, ctx)).overridden,
  },
};
