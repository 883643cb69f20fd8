import type { BenchSummary } from './result.ts';

/**
 * A hand-written SVG of a run's summary: ingestion throughput per path and query latency per
 * dataset size. Pure (string in, string out), no dependencies.
 */

export interface Bar {
  label: string;
  value: number;
  /** Optional upper whisker (p95). */
  high?: number;
}

export interface BarGroup {
  label: string;
  bars: Bar[];
}

const COLORS = ['#2563eb', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#64748b'];
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"';

export function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

const r1 = (n: number) => Math.round(n * 10) / 10;

/** A round axis step (1, 2 or 5 × 10^k) giving about `count` intervals up to `max`. */
export function niceStep(max: number, count = 4): number {
  const raw = max / count;
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10;
  return step * magnitude;
}

function compact(n: number): string {
  if (n >= 1e6) return `${r1(n / 1e6)}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  if (n >= 1e3) return `${r1(n / 1e3)}k`;
  if (n >= 10) return String(Math.round(n));
  return String(r1(n));
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

function legend(labels: readonly string[], x: number, y: number): string {
  return labels
    .map((label, i) => {
      const lx = x + i * 150;
      return `<rect x="${lx}" y="${y - 9}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/><text x="${lx + 14}" y="${y}" font-size="11">${escapeXml(label)}</text>`;
    })
    .join('');
}

/** Grouped vertical bars; `log` uses a log10 axis (latencies spanning orders of magnitude). */
export function barPanel(
  box: Box,
  title: string,
  unit: string,
  groups: readonly BarGroup[],
  series: readonly string[],
  log = false,
): string {
  const parts: string[] = [`<text x="${box.x}" y="${box.y - 28}" font-size="14" font-weight="600">${escapeXml(title)}</text>`];
  parts.push(legend(series, box.x, box.y - 10));
  const values = groups.flatMap((g) => g.bars.flatMap((b) => [b.value, b.high ?? 0])).filter((v) => v > 0 && Number.isFinite(v));
  const max = Math.max(1e-9, ...values);
  const lo = log ? 10 ** Math.floor(Math.log10(Math.min(...values, max))) : 0;
  const step = niceStep(max * 1.1);
  const hi = log ? 10 ** Math.ceil(Math.log10(max)) : Math.ceil((max * 1.1) / step) * step;
  const scale = (v: number) => {
    if (!(v > 0)) return 0;
    const f = log ? (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo) || 1) : v / hi;
    return Math.min(1, f) * box.h;
  };
  const ticks = log
    ? Array.from({ length: Math.round(Math.log10(hi / lo)) + 1 }, (_, i) => lo * 10 ** i)
    : Array.from({ length: Math.round(hi / step) + 1 }, (_, i) => step * i);
  for (const tick of ticks) {
    const y = r1(box.y + box.h - scale(tick));
    parts.push(`<line x1="${box.x}" y1="${y}" x2="${box.x + box.w}" y2="${y}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${box.x - 6}" y="${y + 4}" font-size="10" text-anchor="end" fill="#6b7280">${compact(tick)}</text>`);
  }
  parts.push(
    `<text x="${box.x - 40}" y="${box.y + box.h / 2}" font-size="10" fill="#6b7280" transform="rotate(-90 ${box.x - 40} ${box.y + box.h / 2})" text-anchor="middle">${escapeXml(unit)}</text>`,
  );
  const groupWidth = box.w / Math.max(1, groups.length);
  groups.forEach((group, g) => {
    const barWidth = Math.min(36, (groupWidth * 0.8) / Math.max(1, group.bars.length));
    const start = box.x + g * groupWidth + (groupWidth - barWidth * group.bars.length) / 2;
    group.bars.forEach((bar, b) => {
      const h = r1(scale(bar.value));
      const x = r1(start + b * barWidth);
      const y = r1(box.y + box.h - h);
      const color = COLORS[series.indexOf(bar.label) % COLORS.length] ?? COLORS[0];
      parts.push(
        `<rect x="${x}" y="${y}" width="${r1(barWidth - 2)}" height="${h}" fill="${color}"><title>${escapeXml(`${group.label} · ${bar.label}: ${compact(bar.value)} ${unit}`)}</title></rect>`,
      );
      if (bar.high !== undefined && bar.high > bar.value) {
        const cx = r1(x + (barWidth - 2) / 2);
        const top = r1(box.y + box.h - scale(bar.high));
        parts.push(
          `<line x1="${cx}" y1="${y}" x2="${cx}" y2="${top}" stroke="#111827"/><line x1="${cx - 3}" y1="${top}" x2="${cx + 3}" y2="${top}" stroke="#111827"/>`,
        );
      }
      parts.push(`<text x="${r1(x + (barWidth - 2) / 2)}" y="${y - 3}" font-size="9" text-anchor="middle">${compact(bar.value)}</text>`);
    });
    parts.push(
      `<text x="${r1(box.x + g * groupWidth + groupWidth / 2)}" y="${box.y + box.h + 14}" font-size="11" text-anchor="middle">${escapeXml(group.label)}</text>`,
    );
  });
  parts.push(`<line x1="${box.x}" y1="${box.y + box.h}" x2="${box.x + box.w}" y2="${box.y + box.h}" stroke="#9ca3af"/>`);
  return parts.join('');
}

const PATH_NAMES = { rest: 'REST adapter', graphql: 'GraphQL', raw: 'raw limit' } as const;

export function renderChart(result: BenchSummary): string {
  const width = 1180;
  const height = 380;
  const backend = result.backend === 'postgres' ? 'PostgreSQL' : 'PGlite';
  const o = result.options;
  const modes = result.ingest[0]?.paths.map((p) => PATH_NAMES[p.mode]) ?? [];
  const ingestGroups: BarGroup[] = result.ingest.map((i) => ({
    label: `${i.object}s`,
    bars: i.paths.map((p) => ({ label: PATH_NAMES[p.mode], value: p.recordsPerSecond })),
  }));
  const stageNames = result.queries.map((s) => `${compact(s.events)} events`);
  const ids = result.queries[0]?.queries.map((q) => q.id) ?? [];
  const queryGroups: BarGroup[] = ids.map((id) => ({
    label: result.queries[0]?.queries.find((q) => q.id === id)?.id ?? id,
    bars: result.queries.map((stage, s) => {
      const q = stage.queries.find((x) => x.id === id);
      return { label: stageNames[s] as string, value: q && !q.error ? q.latency.p50 : 0, high: q && !q.error ? q.latency.p95 : 0 };
    }),
  }));

  const title = `npm run bench — ${backend}, ${compact(o.accounts)} accounts / ${compact(o.users)} users / ${compact(o.events)} events`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" ${FONT}>`,
    `<title>${escapeXml(`${title}: ingestion throughput, query latency`)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="20" y="26" font-size="16" font-weight="700">${escapeXml(title)}</text>`,
    `<text x="20" y="44" font-size="11" fill="#6b7280">${escapeXml(`${result.machine.database} · ${result.machine.cpuModel} × ${result.machine.cores} · ${result.startedAt.slice(0, 10)} · commit ${result.commit ?? 'unknown'}`)}</text>`,
    barPanel({ x: 80, y: 110, w: 440, h: 220 }, 'Ingestion throughput', 'records / s', ingestGroups, modes),
    barPanel({ x: 640, y: 110, w: 520, h: 220 }, 'Query latency p50 (whisker: p95)', 'ms (log)', queryGroups, stageNames, true),
    '</svg>',
    '',
  ].join('\n');
}
