/** Latency statistics. Pure, unit-tested. */

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * The p-th percentile (0–100) of ascending `sorted` values, interpolating linearly between the
 * two nearest ranks (the "R-7" / spreadsheet definition), so p50 of [1, 2, 3, 4] is 2.5.
 * NaN for an empty list.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (p <= 0) return sorted[0] as number;
  if (p >= 100) return sorted[sorted.length - 1] as number;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((total, v) => total + v, 0);
  return {
    n: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.length > 0 ? sum / sorted.length : Number.NaN,
  };
}

/** The median of a list (NaN when empty). */
export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** Records per second, or 0 when nothing was timed. */
export function rate(records: number, ms: number): number {
  return ms > 0 ? (records * 1000) / ms : 0;
}

/**
 * Did memory stay flat? Compares the median of the last quarter of the samples with the median of
 * the second quarter (the first quarter is warm-up: caches, JIT, connection pools).
 */
export function rssGrowth(samples: readonly number[]): number {
  if (samples.length < 8) return Number.NaN;
  const q = Math.floor(samples.length / 4);
  const early = median(samples.slice(q, 2 * q));
  const late = median(samples.slice(samples.length - q));
  return early > 0 ? late / early - 1 : Number.NaN;
}
