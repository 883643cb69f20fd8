import type { ObjectKind, View } from '../__generated__/types.ts';
import { catalogLoaders } from '../catalog/loaders.ts';
import type { Context } from '../context.ts';
import { type InputSpec, providedBy, reasonPart, resolveInput } from './inputs.ts';
import { TEMPLATES, type Template } from './templates.ts';

// `views(object:)`: every template, unlocked when this workspace's data provides its inputs. The
// previews of all views are computed concurrently, so reads issued in the same tick share DataLoader
// batches: the statement count depends on the number of templates, never on the number of records.
// The previews that group many rows (account lists, weekly active users, top features) are kept
// until what they read changes (src/insights/answers.ts): while it does not, one statement looks
// them all up.

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

async function buildView(ctx: Context, template: Template, now: Date): Promise<View> {
  const semantics = await catalogLoaders(ctx).semantics.load('');
  const resolved = template.inputs.map((spec) => resolveInput(semantics, spec));
  const inputs = resolved.map((r) => inputModel(r.spec, r));
  const base = { id: template.id, title: template.title, kind: template.kind, object: template.object, inputs };
  const missing = resolved.filter((r) => r.provided === null);
  if (missing.length > 0) {
    return {
      ...base,
      description: template.description,
      locked: true,
      reason: null,
      unlock: missing.map((r) => r.hint),
      operation: null,
      preview: null,
    };
  }
  const built = await template.build({ ctx, now, provided: resolved.map((r) => r.provided as NonNullable<typeof r.provided>) });
  return {
    ...base,
    description: built.description,
    locked: false,
    reason: built.reason ?? `${resolved.map(reasonPart).join('; ')}.`,
    unlock: [],
    operation: built.operation,
    preview: built.preview,
  };
}

export async function listViews(ctx: Context, object: ObjectKind | null | undefined, now = ctx.now()): Promise<View[]> {
  const templates = TEMPLATES.filter((t) => !object || t.object === object);
  return Promise.all(templates.map((template) => buildView(ctx, template, now)));
}
