/** Summaries of `EXPLAIN (FORMAT JSON)` output. Pure, unit-tested. */

interface PlanNode {
  'Node Type'?: string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

interface ExplainDocument {
  Plan?: PlanNode;
  'Planning Time'?: number;
  'Execution Time'?: number;
}

export interface PlanSummary {
  /** Every table access: `Index Scan metric_daily_account_idx`, `Seq Scan accounts`, … in plan order. */
  scans: string[];
  /** Tables read by a sequential scan (the costs that grow with the table). */
  seqScans: string[];
  /** EXPLAIN ANALYZE only. */
  executionMs: number | null;
  planningMs: number | null;
}

const SCAN = /Scan$/;

/** Accepts what the drivers return for the `QUERY PLAN` column: the parsed JSON array or its text. */
export function summarizePlan(queryPlan: unknown): PlanSummary {
  const parsed = typeof queryPlan === 'string' ? (JSON.parse(queryPlan) as unknown) : queryPlan;
  const doc = (Array.isArray(parsed) ? parsed[0] : parsed) as ExplainDocument | undefined;
  const scans: string[] = [];
  const seqScans: string[] = [];
  const walk = (node: PlanNode | undefined): void => {
    if (!node) return;
    const type = node['Node Type'] ?? '';
    if (SCAN.test(type) && (node['Relation Name'] || node['Index Name'])) {
      scans.push(node['Index Name'] ? `${type} ${node['Index Name']}` : `${type} ${node['Relation Name']}`);
      if (type === 'Seq Scan' && node['Relation Name']) seqScans.push(node['Relation Name']);
    }
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(doc?.Plan);
  return { scans, seqScans, executionMs: doc?.['Execution Time'] ?? null, planningMs: doc?.['Planning Time'] ?? null };
}

/** One line for a table cell: distinct accesses with counts, sequential scans first. */
export function describeScans(summaries: readonly PlanSummary[]): string {
  const counts = new Map<string, number>();
  for (const summary of summaries) for (const scan of summary.scans) counts.set(scan, (counts.get(scan) ?? 0) + 1);
  if (counts.size === 0) return 'no table access';
  return [...counts]
    .sort(([a], [b]) => Number(b.startsWith('Seq')) - Number(a.startsWith('Seq')) || a.localeCompare(b))
    .map(([scan, n]) => (n > 1 ? `${scan} ×${n}` : scan))
    .join(', ');
}
