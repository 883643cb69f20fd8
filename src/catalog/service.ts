import type { Context } from '../context.ts';
import { badUserInput } from '../errors.ts';
import type { ObjectKind } from '../vocabulary.ts';
import { compileFilters, requireField } from './filters.ts';
import { catalogLoaders } from './loaders.ts';
import type { BreakdownModel, DimensionModel } from './models.ts';
import * as catalog from './queries.ts';

/** A page size or bucket count argument: 1 to 100, `fallback` when absent. */
export function boundedInt(value: number | null | undefined, fallback: number, argument: string): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > 100) throw badUserInput(`\`${argument}\` must be between 1 and 100.`, { argument });
  return n;
}

/** Readable number for bucket labels: no float noise such as 0.30000000000000004. */
const formatNumber = (n: number) => String(Number(n.toPrecision(6)));

/**
 * How one dimension's values are spread: equal-width buckets for a number, the most frequent values
 * (optionally with the sum of a number dimension) otherwise, over the records `filter` keeps.
 * The catalog service behind `dimensionBreakdown` and the views' previews.
 */
export async function breakdown(
  ctx: Context,
  args: {
    object: ObjectKind;
    key: string;
    filter?: Parameters<typeof compileFilters>[2];
    limit?: number | null;
    buckets?: number | null;
    sumOf?: string | null;
  },
): Promise<BreakdownModel> {
  const limit = boundedInt(args.limit, 10, 'limit');
  const bucketCount = boundedInt(args.buckets, 10, 'buckets');
  const dimensions = await catalogLoaders(ctx).dimensions.load(args.object);
  const fields = catalog.fieldMap(dimensions);
  const field = requireField(fields, args.object, args.key, 'key');
  const dimension = dimensions.find((d) => d.key === field.key) as DimensionModel;
  // No filter: all records, which the catalog's maintained statistics answer without a scan.
  const where = args.filter && args.filter.length > 0 ? compileFilters(args.object, 't', args.filter, fields) : null;

  if (field.type === 'NUMBER') {
    const h = await catalog.histogram(ctx.db, ctx.workspaceId, args.object, field.key, where, bucketCount);
    const base = { dimension, total: h.total, missing: h.total - h.valued, other: 0 };
    if (h.min === null || h.max === null) return { ...base, buckets: [] };
    if (h.min === h.max) {
      return { ...base, buckets: [{ label: formatNumber(h.min), value: null, from: h.min, to: h.max, count: h.valued }] };
    }
    const [min, max] = [h.min, h.max];
    const width = (max - min) / bucketCount;
    // Bounds near ±1.8e308: max - min overflows a double, so step on halves (each term stays finite).
    const halfWidth = (max / 2 - min / 2) / bucketCount;
    const edge = (i: number) => (i === bucketCount ? max : Number.isFinite(width) ? min + i * width : (min / 2 + i * halfWidth) * 2);
    const buckets = Array.from({ length: bucketCount }, (_, i) => {
      const [from, to] = [edge(i), edge(i + 1)];
      return { label: `${formatNumber(from)} – ${formatNumber(to)}`, value: null, from, to, count: h.counts.get(i + 1) ?? 0 };
    });
    return { ...base, buckets };
  }

  let sumOf: string | null = null;
  if (args.sumOf != null) {
    const summed = requireField(fields, args.object, args.sumOf, 'sumOf');
    if (summed.type !== 'NUMBER')
      throw badUserInput(`\`sumOf\` needs a NUMBER dimension; \`${summed.key}\` is ${summed.type ?? 'without values yet'}.`, {
        argument: 'sumOf',
      });
    sumOf = summed.key;
  }
  const c = await catalog.categoricalBreakdown(ctx.db, ctx.workspaceId, args.object, field.key, where, limit, sumOf);
  const shown = c.top.reduce((sum, v) => sum + v.count, 0);
  return {
    dimension,
    total: c.total,
    missing: c.total - c.valued,
    other: c.valued - shown,
    buckets: c.top.map((v) => ({ label: String(v.value), value: v.value, from: null, to: null, count: v.count, sum: v.sum ?? null })),
  };
}
