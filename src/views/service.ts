import { catalogLoaders } from '../catalog/loaders.ts';
import type { Context } from '../context.ts';
import type { ObjectKind, View } from '../graphql/generated.ts';
import { type InputSpec, providedBy, reasonPart, resolveInput } from './inputs.ts';
import { TEMPLATES, type Template } from './templates.ts';

// `views(object:)`: every template, unlocked when this workspace's data provides its inputs. The
// previews of all views are computed concurrently, so their per-record reads share DataLoader
// batches: the statement count depends on the number of templates, never on the number of records.

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

type Pending = { view: View; rows?: (() => Promise<NonNullable<View['preview']>['rows']>) | undefined };

async function buildView(ctx: Context, template: Template, now: Date): Promise<Pending> {
  const semantics = await catalogLoaders(ctx).semantics.load('');
  const resolved = template.inputs.map((spec) => resolveInput(semantics, spec));
  const inputs = resolved.map((r) => inputModel(r.spec, r));
  const base = { id: template.id, title: template.title, kind: template.kind, object: template.object, inputs };
  const missing = resolved.filter((r) => r.provided === null);
  if (missing.length > 0) {
    return {
      view: {
        ...base,
        description: template.description,
        locked: true,
        reason: null,
        unlock: missing.map((r) => r.hint),
        operation: null,
        preview: null,
      },
    };
  }
  const built = await template.build({ ctx, now, provided: resolved.map((r) => r.provided as NonNullable<typeof r.provided>) });
  const view: View = {
    ...base,
    description: built.description,
    locked: false,
    reason: built.reason ?? `${resolved.map(reasonPart).join('; ')}.`,
    unlock: [],
    operation: built.operation,
    preview: built.preview,
  };
  return { view, rows: built.rows };
}

export async function listViews(ctx: Context, object: ObjectKind | null | undefined, now = new Date()): Promise<View[]> {
  const templates = TEMPLATES.filter((t) => !object || t.object === object);
  const pending = await Promise.all(templates.map((template) => buildView(ctx, template, now)));
  // Every view's per-record cells are requested in this one tick, so they share loader batches.
  await Promise.all(
    pending.map(async ({ view, rows }) => {
      if (rows && view.preview) view.preview.rows = await rows();
    }),
  );
  return pending.map(({ view }) => view);
}
