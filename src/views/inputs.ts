import type { SemanticType } from '../catalog/inference.ts';
import { eventsWithRole, type FieldChoice, fieldFor, fieldsMeaning, type MetricMeaning, type Semantics } from '../catalog/meaning.ts';
import { ACTIVITY_ROLES, type MetricRole, ROLE_PHRASES } from '../catalog/roles.ts';
import type { RecordKind } from '../vocabulary.ts';

// What a view needs (a dimension with a meaning, events with a role), whether this workspace
// provides it, and the sentence that explains either way: the "reason" of an unlocked view, the
// "unlock" hint of a locked one.

export type InputSpec =
  | {
      kind: 'field';
      object: RecordKind;
      /** Acceptable meanings, preferred first (revenue: ARR, then MRR, then REVENUE). */
      semantics: readonly SemanticType[];
      label: string;
      hint: string;
    }
  | { kind: 'events'; roles: readonly MetricRole[]; label: string; hint: string };

export type Provided = { kind: 'field'; field: FieldChoice } | { kind: 'events'; events: MetricMeaning[] };

export interface ResolvedInput {
  spec: InputSpec;
  provided: Provided | null;
  /** The hint, made specific when a field has the meaning but cannot serve it. */
  hint: string;
}

const SEMANTIC_LABELS: Partial<Record<SemanticType, string>> = {
  SEATS: 'Seats',
  RENEWAL_DATE: 'Renewal date',
  EMPLOYEE_COUNT: 'Employee count',
  PLAN: 'Plan',
  REGION: 'Region',
  COUNTRY: 'Country',
  INDUSTRY: 'Industry',
  MRR: 'MRR',
  ARR: 'ARR',
  REVENUE: 'Revenue',
  CREATED_AT: 'Created at',
};

/** What holding a meaning is, for reasons: "`seat_count` holds seats". */
const SEMANTIC_PHRASES: Partial<Record<SemanticType, string>> = {
  SEATS: 'seats',
  RENEWAL_DATE: 'the renewal date',
  EMPLOYEE_COUNT: 'company size',
  PLAN: 'the plan',
  REGION: 'the region',
  COUNTRY: 'the country',
  INDUSTRY: 'the industry',
  MRR: 'monthly recurring revenue',
  ARR: 'annual recurring revenue',
  REVENUE: 'revenue',
  CREATED_AT: 'when each user signed up',
};

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

const OBJECT_NAMES: Record<RecordKind, string> = { ACCOUNT: 'accounts', USER: 'users' };

export function resolveInput(s: Semantics, spec: InputSpec): ResolvedInput {
  if (spec.kind === 'events') {
    const events = eventsWithRole(s, spec.roles);
    if (events.length) return { spec, provided: { kind: 'events', events }, hint: spec.hint };
    // Events inference would have counted, until the workspace gave them another role.
    const corrected = s.metrics.find((m) => m.kind === 'COUNT' && m.overridden && m.inferredRole && spec.roles.includes(m.inferredRole));
    const hint = corrected
      ? `\`${corrected.name}\` would provide it (inferred ${corrected.inferredRole}) but was given ${corrected.role ? `the role ${corrected.role}` : 'no role'}: reset it with \`setMetricRole\` (\`reset: true\`), or ${lowerFirst(spec.hint)}`
      : spec.hint;
    return { spec, provided: null, hint };
  }
  const field = fieldFor(s, spec.object, spec.semantics);
  if (field) return { spec, provided: { kind: 'field', field }, hint: spec.hint };
  // Something the workspace sent or corrected has the meaning but cannot serve it: say exactly what is
  // wrong with it. (An empty default field says nothing the generic hint does not.)
  const near = fieldsMeaning(s, spec.object, spec.semantics).find((f) => !f.isDefault || f.valueCount > 0 || f.overridden);
  const meaning = near ? (SEMANTIC_LABELS[near.semantic] ?? near.semantic) : '';
  const record = near?.object === 'USER' ? 'user' : 'account';
  const corrected = s.corrected.find((c) => c.object === spec.object && spec.semantics.includes(c.inferred));
  const hint = !near
    ? corrected
      ? `\`${corrected.key}\` would provide it (inferred ${corrected.inferred}) but was marked otherwise: reset it with \`setDimensionSemantic\` (\`reset: true\`), or ${lowerFirst(spec.hint)}`
      : spec.hint
    : !near.usable
      ? `\`${near.key}\` means ${meaning} but holds ${near.type ?? 'no'} values, which cannot serve as ${spec.label}. ${spec.hint}`
      : `\`${near.key}\` means ${meaning} but no ${record} has a value yet: send values of it on the ${record === 'user' ? 'User' : 'Account'} sync.`;
  return { spec, provided: null, hint };
}

/** Names of what provides an input: field keys, or event names. */
export function providedBy(input: ResolvedInput): string[] {
  if (!input.provided) return [];
  return input.provided.kind === 'field' ? [input.provided.field.key] : input.provided.events.map((e) => e.name);
}

const MAX_NAMED_EVENTS = 3;

/** "`seat_count` holds seats", "`Signed In` is sign-in activity; `Viewed Page` is page or screen views and 2 more activity events". */
export function reasonPart(input: ResolvedInput): string {
  const provided = input.provided;
  if (!provided) return '';
  if (provided.kind === 'field')
    return `\`${provided.field.key}\` holds ${SEMANTIC_PHRASES[provided.field.semantic] ?? provided.field.semantic}`;
  const named = provided.events.slice(0, MAX_NAMED_EVENTS).map((e) => `\`${e.name}\` is ${e.role ? ROLE_PHRASES[e.role] : 'activity'}`);
  const more = provided.events.length - named.length;
  const spec = input.spec as Extract<InputSpec, { kind: 'events' }>;
  const kind = spec.roles === ACTIVITY_ROLES ? 'activity' : spec.roles.map((r) => ROLE_PHRASES[r]).join(' or ');
  return `${named.join('; ')}${more > 0 ? ` (and ${more} more ${kind} event${more === 1 ? '' : 's'})` : ''}`;
}

// The inputs the templates share, with the hint that guides the Integrations page.
const fieldHint = (semantic: SemanticType, object: RecordKind, restId: string, kindOfValue: string) =>
  `Map a ${kindOfValue} column to ${SEMANTIC_LABELS[semantic]} (field id \`${restId}\`) on the ${object === 'ACCOUNT' ? 'Account' : 'User'} sync, or mark an existing ${kindOfValue} field on ${OBJECT_NAMES[object]} ${semantic} with \`setDimensionSemantic\`.`;

export const INPUTS = {
  activity: {
    kind: 'events',
    roles: ACTIVITY_ROLES,
    label: 'Activity events (sign-ins, page views or feature use)',
    hint: 'Send product events on the Event sync (e.g. `Signed In`, `Page Viewed`), or give an existing event the role SIGN_IN, PAGE_VIEW or FEATURE_USE with `setMetricRole`.',
  },
  signIn: {
    kind: 'events',
    roles: ['SIGN_IN'],
    label: 'Sign-in events',
    hint: 'Send a sign-in event on the Event sync (e.g. `Signed In`, `user_login`), or give an existing event the role SIGN_IN with `setMetricRole`.',
  },
  featureUse: {
    kind: 'events',
    roles: ['FEATURE_USE'],
    label: 'Feature-use events',
    hint: 'Send events named after what users do (e.g. `Report Created`, `export_completed`), or give existing events the role FEATURE_USE with `setMetricRole`.',
  },
  seats: {
    kind: 'field',
    object: 'ACCOUNT',
    semantics: ['SEATS'],
    label: 'Seats (a number on accounts)',
    hint: fieldHint('SEATS', 'ACCOUNT', 'seats', 'number'),
  },
  renewal: {
    kind: 'field',
    object: 'ACCOUNT',
    semantics: ['RENEWAL_DATE'],
    label: 'Renewal date (a date on accounts)',
    hint: fieldHint('RENEWAL_DATE', 'ACCOUNT', 'renewal_date', 'date'),
  },
  companySize: {
    kind: 'field',
    object: 'ACCOUNT',
    semantics: ['EMPLOYEE_COUNT'],
    label: 'Company size (employee count on accounts)',
    hint: fieldHint('EMPLOYEE_COUNT', 'ACCOUNT', 'employee_count', 'number'),
  },
  plan: {
    kind: 'field',
    object: 'ACCOUNT',
    semantics: ['PLAN'],
    label: 'Plan or tier (text on accounts)',
    hint: fieldHint('PLAN', 'ACCOUNT', 'plan', 'text'),
  },
  segment: {
    kind: 'field',
    object: 'ACCOUNT',
    semantics: ['REGION', 'COUNTRY', 'INDUSTRY'],
    label: 'Region or segment (region, country or industry on accounts)',
    hint: fieldHint('REGION', 'ACCOUNT', 'region', 'text'),
  },
  revenue: {
    kind: 'field',
    object: 'ACCOUNT',
    semantics: ['ARR', 'MRR', 'REVENUE'],
    label: 'Revenue (ARR, MRR or revenue on accounts)',
    hint: fieldHint('ARR', 'ACCOUNT', 'arr', 'number'),
  },
  userCreated: {
    kind: 'field',
    object: 'USER',
    semantics: ['CREATED_AT'],
    label: 'Sign-up date (a date on users)',
    hint: fieldHint('CREATED_AT', 'USER', 'created_at', 'date'),
  },
} satisfies Record<string, InputSpec>;
