import { type DocumentNode, Kind, type OperationDefinitionNode, parse } from 'graphql';
import { expect } from 'vitest';
import type { TestApp } from '../support/harness.ts';

// Preview = operation: a view's operation, sent as-is to the public /graphql endpoint with its
// variables, returns the preview's rows. The rows are read from the response the way a client
// reads it (the operation's one root field: a connection's nodes, a breakdown's buckets, a
// series' points, or a list), each row's cells at the preview's column keys.

/** The fields of a view this check needs (select them in the `views` query). */
export interface ViewUnderTest {
  id: string;
  kind: string;
  locked: boolean;
  operation: { operationName: string; query: string; variables: Record<string, unknown> } | null;
  preview: {
    columns: Array<{ key: string }>;
    rows: Array<{ id: string | null; cells: unknown[] }>;
    totalCount: number | null;
  } | null;
}

/** The selection of `views` that `expectPreviewIsOperation` reads. */
export const VIEW_UNDER_TEST =
  'id kind locked operation { operationName query variables } preview { columns { key } rows { id cells } totalCount }';

/** As many rows as a preview shows of a list (a series shows every point). */
const PREVIEW_ROWS = 5;

function rootOf(data: Record<string, unknown>): unknown {
  const roots = Object.values(data);
  expect(roots, 'a view operation selects one root field').toHaveLength(1);
  return roots[0];
}

function itemsOf(root: any): Array<Record<string, unknown>> {
  if (Array.isArray(root)) return root;
  if (root.edges) return root.edges.map((edge: { node: Record<string, unknown> }) => edge.node);
  return root.buckets ?? root.points;
}

export function operationsOf(document: DocumentNode): OperationDefinitionNode[] {
  return document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
}

export async function expectPreviewIsOperation(t: TestApp, view: ViewUnderTest, key?: string): Promise<void> {
  const { operation, preview } = view;
  if (!operation || !preview) throw new Error(`${view.id} is locked`);
  // One named operation, the one the view names, with the variables it declares.
  const [definition, ...more] = operationsOf(parse(operation.query));
  expect(more, view.id).toEqual([]);
  expect(definition?.name?.value, view.id).toBe(operation.operationName);
  expect(Object.keys(operation.variables).sort(), view.id).toEqual(
    definition?.variableDefinitions?.map((v) => v.variable.name.value).sort(),
  );

  const res = await t.gql<Record<string, unknown>>(operation.query, operation.variables, key);
  expect(res.errors, view.id).toBeUndefined();
  const root = rootOf(res.data ?? {});
  const rows = itemsOf(root).map((item) => ({
    id: typeof item.id === 'string' ? item.id : null,
    cells: preview.columns.map((c) => item[c.key]),
  }));
  expect(preview.rows, view.id).toEqual(view.kind === 'SERIES' ? rows : rows.slice(0, PREVIEW_ROWS));
  const totalCount = (root as { totalCount?: number }).totalCount;
  if (totalCount !== undefined) expect(preview.totalCount, view.id).toBe(totalCount);
}
