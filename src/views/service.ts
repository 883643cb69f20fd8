import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { execute, type GraphQLSchema, Kind, print } from 'graphql';
import type { ObjectKind, View, ViewOperation, ViewPreview } from '../__generated__/types.ts';
import { catalogLoaders } from '../catalog/loaders.ts';
import type { Semantics } from '../catalog/meaning.ts';
import type { Context } from '../context.ts';
import { answerKey, keptValues } from '../insights/answers.ts';
import { measureInputs } from '../insights/measures.ts';
import { dayOf } from '../insights/time.ts';
import { type InputSpec, providedBy, reasonPart, resolveInput } from './inputs.ts';
import { type BuildContext, type Built, PREVIEW_ROWS, TEMPLATES, type Template } from './templates.ts';

// `views(object:)`: every template, unlocked when this workspace's data provides its inputs. An
// unlocked view's preview is its operation executed in-process, so the preview is the operation's
// first rows by construction. All previews run concurrently, so their reads share DataLoader
// batches: the statement count depends on the number of templates, never on the number of records.
// Previews are kept until what their operation reads changes (src/insights/answers.ts): while it
// does not, one statement looks them all up.

function inputModel(spec: InputSpec, resolved: ReturnType<typeof resolveInput>) {
  const names = providedBy(resolved);
  return {
    label: spec.label,
    object: spec.kind === 'field' ? spec.object : null,
    semantics: spec.kind === 'field' ? [...spec.semantics] : [],
    roles: spec.kind === 'events' ? [...spec.roles] : [],
    providedBy: names,
    satisfied: names.length > 0,
    hint: resolved.hint,
  };
}

// The operations are constants: each is printed once.
const printed = new WeakMap<TypedDocumentNode, ViewOperation>();
function operationOf(document: TypedDocumentNode, variables: Record<string, unknown>): ViewOperation {
  let operation = printed.get(document);
  if (!operation) {
    const definition = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    operation = { operationName: definition?.name?.value ?? '', query: print(document), variables: {} };
    printed.set(document, operation);
  }
  return { ...operation, variables };
}

/**
 * Run an operation in-process against `schema` with the request's own context: the same resolvers,
 * `@auth` checks (they wrap the root resolvers) and per-request DataLoaders as the request itself.
 * The schema is the one executing `views` (the resolver's `info.schema`): the views domain needs
 * no import of the GraphQL layer above it, and no second schema is built. The document is
 * validated against the schema by `npm run codegen`.
 */
async function run<TResult, TVariables>(
  schema: GraphQLSchema,
  ctx: Context,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
): Promise<TResult> {
  const result = await execute({ schema, document, variableValues: variables as Record<string, unknown>, contextValue: ctx });
  const [error] = result.errors ?? [];
  if (error) throw error.originalError ?? error;
  return result.data as TResult;
}

/** An unlocked view before its preview: its template and what this workspace gives the template. */
interface Planned {
  template: Template;
  b: BuildContext;
  built: Built<Record<string, unknown>>;
}

/** The operation executed, its rows read at the columns' keys: the first few (every point of a series). */
async function executed(ctx: Context, schema: GraphQLSchema, { template, built }: Planned): Promise<Omit<ViewPreview, 'columns'>> {
  const data = await run(schema, ctx, template.document, built.variables);
  const { items, totalCount } = template.rows(data, built.variables);
  const shown = template.kind === 'SERIES' ? items : items.slice(0, PREVIEW_ROWS);
  const rows = shown.map((item) => ({ id: typeof item.id === 'string' ? item.id : null, cells: built.columns.map((c) => item[c.key]) }));
  return { rows, totalCount };
}

/**
 * Every unlocked view's preview, kept under its operation, its variables, what the measures read
 * and the day (windows end today), with what the operation reads: one statement looks them all
 * up, one stores those computed.
 */
async function previews(ctx: Context, schema: GraphQLSchema, planned: readonly Planned[]): Promise<ViewPreview[]> {
  const found = await keptValues(
    ctx,
    'VIEW',
    planned.map((p) => ({
      key: answerKey(['view', operationOf(p.template.document, p.built.variables), p.b.measures, dayOf(p.b.now)]),
      reads: p.built.reads,
      compute: () => executed(ctx, schema, p),
    })),
  );
  return planned.map((p, i) => ({ columns: p.built.columns, ...(found[i] as Omit<ViewPreview, 'columns'>) }));
}

/** A view whose inputs are all provided: everything but its preview. Else the locked view. */
function plan(template: Template, semantics: Semantics, now: Date): { view: View; planned: Planned | null } {
  const resolved = template.inputs.map((spec) => resolveInput(semantics, spec));
  const inputs = resolved.map((r) => inputModel(r.spec, r));
  const base = { id: template.id, title: template.title, kind: template.kind, object: template.object, inputs };
  const missing = resolved.filter((r) => r.provided === null);
  if (missing.length > 0) {
    const view = { ...base, description: template.description, locked: true, reason: null, unlock: missing.map((r) => r.hint) };
    return { view: { ...view, operation: null, preview: null }, planned: null };
  }
  const b: BuildContext = {
    now,
    provided: resolved.map((r) => r.provided as NonNullable<typeof r.provided>),
    measures: measureInputs(semantics),
  };
  const built = template.build(b);
  const view = {
    ...base,
    description: built.description,
    locked: false,
    reason: built.reason ?? `${resolved.map(reasonPart).join('; ')}.`,
    unlock: [],
    operation: operationOf(template.document, built.variables),
    preview: null,
  };
  return { view, planned: { template, b, built } };
}

export async function listViews(
  ctx: Context,
  schema: GraphQLSchema,
  object: ObjectKind | null | undefined,
  now = ctx.now(),
): Promise<View[]> {
  const semantics = await catalogLoaders(ctx).semantics.load('');
  const views = TEMPLATES.filter((t) => !object || t.object === object).map((template) => plan(template, semantics, now));
  const planned = views.flatMap((v) => (v.planned ? [v.planned] : []));
  const shown = new Map((await previews(ctx, schema, planned)).map((preview, i) => [planned[i], preview]));
  return views.map((v) => (v.planned ? { ...v.view, preview: shown.get(v.planned) ?? null } : v.view));
}
