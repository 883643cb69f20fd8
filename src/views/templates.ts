import { sql } from 'drizzle-orm';
import type {
  DimensionFilter,
  Measure,
  MeasureFilter,
  RecordOrder,
  ValueFormat,
  ViewColumn,
  ViewKind,
  ViewOperation,
  ViewPreview,
} from '../__generated__/types.ts';
import { catalogLoaders } from '../catalog/loaders.ts';
import { breakdown } from '../catalog/service.ts';
import type { Context } from '../context.ts';
import { jsonParam } from '../db/client.ts';
import { type AccountRow, metricDaily } from '../db/schema.ts';
import { alias, tableAs } from '../db/sql.ts';
import { answerKey, keptAnswer, keptValue } from '../insights/answers.ts';
import { measureInputs, recordMeasure } from '../insights/measures.ts';
import { recordConnection, workspaceSeries } from '../insights/service.ts';
import { addDays, dayOf, startOfDay } from '../insights/time.ts';
import { INPUTS, type InputSpec, type Provided } from './inputs.ts';

// The built-in views. Each names its inputs; when they exist it builds the GraphQL operation that
// produces it (runnable as-is) and computes its preview through the same code path the operation
// takes, so the preview is exactly the operation's first rows.

export const PREVIEW_ROWS = 5;
const PAGE = 10;
const WINDOW_DAYS = 30;
const RENEWAL_HORIZON_DAYS = 90;
const NEAR_SEAT_LIMIT = 0.8;

/** What a template gets once its inputs are provided: one entry per input, in the template's order. */
export interface BuildContext {
  ctx: Context;
  now: Date;
  provided: Provided[];
}

export interface Built {
  description: string;
  /** When the view uses only some of what provides an input (e.g. one sign-in event of several). */
  reason?: string;
  operation: ViewOperation;
  preview: ViewPreview;
}

export interface Template {
  id: string;
  title: string;
  kind: ViewKind;
  object: 'ACCOUNT' | 'USER' | 'EVENT';
  /** The description of a locked view (no field names known yet). */
  description: string;
  inputs: readonly InputSpec[];
  build(b: BuildContext): Promise<Built>;
}

const fieldKey = (p: Provided | undefined): string => (p?.kind === 'field' ? p.field.key : '');
const eventNames = (p: Provided | undefined): string[] => (p?.kind === 'events' ? p.events.map((e) => e.name) : []);

// ---------------------------------------------------------------------------------------------
// Account lists (rankings and segments): one `accounts` operation
// ---------------------------------------------------------------------------------------------

interface AccountColumn extends ViewColumn {
  /** The selection inside `node`, aliased to `key`. */
  selection: string;
  /** A `$variable: Type` the selection uses. */
  variable?: [name: string, type: string, value: unknown];
  value(ctx: Context, row: AccountRow, now: Date): Promise<unknown> | unknown;
}

const nameColumn: AccountColumn = {
  key: 'name',
  label: 'Account',
  format: 'TEXT',
  selection: 'name',
  value: (_ctx, row) => textValue(row.dims.name),
};

function textValue(value: unknown): unknown {
  return value ?? null;
}

const MEASURE_FIELDS: Record<Measure, string> = {
  ACTIVE_USERS: 'activeUsers',
  ACTIVITY: 'activity',
  USAGE_CHANGE: 'usageChange',
  SEAT_UTILIZATION: 'seatUtilization',
  DAYS_UNTIL_RENEWAL: 'daysUntilRenewal',
  USERS_ADDED: 'usersAdded',
};

function measureColumn(measure: Measure, label: string, format: ValueFormat): AccountColumn {
  const field = MEASURE_FIELDS[measure];
  const zero = measure === 'ACTIVE_USERS' || measure === 'ACTIVITY' || measure === 'USERS_ADDED';
  return {
    key: field,
    label,
    format,
    selection: measure === 'DAYS_UNTIL_RENEWAL' ? field : `${field}(window: $window)`,
    value: async (ctx, row, now) => {
      const value = await recordMeasure(ctx, 'ACCOUNT', row, measure, WINDOW, now);
      return zero ? (value ?? 0) : value;
    },
  };
}

function dimensionColumn(key: string, alias: string, label: string, format: ValueFormat): AccountColumn {
  const variable = `${alias}Key`;
  return {
    key: alias,
    label,
    format,
    selection: `${alias}: dimension(key: $${variable})`,
    variable: [variable, 'String!', key],
    value: (_ctx, row) => (key === 'id' ? row.id : (row.dims[key] ?? null)),
  };
}

const WINDOW = { lastDays: WINDOW_DAYS };

interface AccountListSpec {
  operationName: string;
  columns: AccountColumn[];
  orderBy: RecordOrder;
  filter?: DimensionFilter[];
  measureFilter?: MeasureFilter[];
}

async function accountList(b: BuildContext, spec: AccountListSpec): Promise<Omit<Built, 'description'>> {
  const variables: Record<string, unknown> = { orderBy: spec.orderBy };
  const definitions = ['$orderBy: RecordOrder'];
  const args = [`first: ${PAGE}`, 'orderBy: $orderBy'];
  if (spec.filter) {
    variables.filter = spec.filter;
    definitions.push('$filter: [DimensionFilter!]');
    args.push('filter: $filter');
  }
  if (spec.measureFilter) {
    variables.measureFilter = spec.measureFilter;
    definitions.push('$measureFilter: [MeasureFilter!]');
    args.push('measureFilter: $measureFilter');
  }
  if (spec.columns.some((c) => c.selection.includes('$window'))) {
    variables.window = WINDOW;
    definitions.push('$window: TimeWindow');
  }
  for (const column of spec.columns) {
    if (!column.variable) continue;
    const [name, type, value] = column.variable;
    variables[name] = value;
    definitions.push(`$${name}: ${type}`);
  }
  const query = `query ${spec.operationName}(${definitions.join(', ')}) {
  accounts(${args.join(', ')}) {
    totalCount
    edges {
      orderValue
      node { id ${spec.columns.map((c) => c.selection).join(' ')} }
    }
  }
}`;

  // Kept until the accounts, the users or the activity of the last two windows change
  // (src/insights/answers.ts): the list groups every account's measures.
  const inputs = measureInputs(await catalogLoaders(b.ctx).semantics.load(''));
  const today = dayOf(b.now);
  const reads = {
    rollups: { names: inputs.activity, days: { firstDay: addDays(today, -(2 * WINDOW_DAYS - 1)), lastDay: today } },
    records: RECORDS,
  };
  const preview = await keptValue(b.ctx, 'VIEW', answerKey(['view', query, variables, inputs, today]), reads, async () => {
    const page = await recordConnection<AccountRow>(
      b.ctx,
      'ACCOUNT',
      { first: PREVIEW_ROWS, filter: spec.filter ?? null, measureFilter: spec.measureFilter ?? null, orderBy: spec.orderBy },
      { withTotal: true },
    );
    const [totalCount, rows] = await Promise.all([
      page.totalCount(),
      Promise.all(
        page.edges.map(async ({ node }) => ({
          id: node.id,
          cells: await Promise.all(spec.columns.map((c) => c.value(b.ctx, node, b.now))),
        })),
      ),
    ]);
    return { rows, totalCount };
  });
  return {
    operation: { operationName: spec.operationName, query, variables },
    preview: { columns: spec.columns.map(({ key, label, format }) => ({ key, label, format })), ...preview },
  };
}

/** The records an account list reads: accounts, and users (their sign-up dates, their activity's account). */
const RECORDS = ['ACCOUNT', 'USER'] as const;

const byMeasure = (measure: Measure, direction: 'ASC' | 'DESC' = 'DESC'): RecordOrder => ({
  measure: { measure, window: WINDOW },
  direction,
});
const measureAbove = (measure: Measure, gt: number): MeasureFilter => ({ measure, window: WINDOW, gt });

// ---------------------------------------------------------------------------------------------
// The templates
// ---------------------------------------------------------------------------------------------

const mostActive: Template = {
  id: 'most-active-accounts',
  title: 'Most active accounts',
  kind: 'RANKING',
  object: 'ACCOUNT',
  description: `Accounts ranked by active users (distinct users with an activity event) over the last ${WINDOW_DAYS} days.`,
  inputs: [INPUTS.activity],
  async build(b) {
    return {
      description: `Accounts ranked by active users over the last ${WINDOW_DAYS} days: distinct users with an activity event (${eventNames(b.provided[0]).slice(0, 3).join(', ')}…).`,
      ...(await accountList(b, {
        operationName: 'MostActiveAccounts',
        orderBy: byMeasure('ACTIVE_USERS'),
        measureFilter: [measureAbove('ACTIVE_USERS', 0)],
        columns: [
          nameColumn,
          measureColumn('ACTIVE_USERS', 'Active users', 'INTEGER'),
          measureColumn('ACTIVITY', 'Activity events', 'INTEGER'),
        ],
      })),
    };
  },
};

/** Accounts by seat utilisation: all with seats (a ranking), or those at `atLeast` or more (a segment). */
function seatTemplate(id: string, title: string, atLeast: number | null): Template {
  const share = `${(atLeast ?? 0) * 100}%`;
  const measureFilter: MeasureFilter[] = [
    atLeast === null
      ? { measure: 'SEAT_UTILIZATION', window: WINDOW, exists: true }
      : { measure: 'SEAT_UTILIZATION', window: WINDOW, gte: atLeast },
  ];
  return {
    id,
    title,
    kind: atLeast === null ? 'RANKING' : 'SEGMENT',
    object: 'ACCOUNT',
    description:
      atLeast === null
        ? `Accounts ranked by active users over the last ${WINDOW_DAYS} days divided by their seats.`
        : `Accounts whose active users over the last ${WINDOW_DAYS} days reach ${share} of their seats or more.`,
    inputs: [INPUTS.seats, INPUTS.activity],
    async build(b) {
      const seats = fieldKey(b.provided[0]);
      return {
        description:
          atLeast === null
            ? `Accounts ranked by seat utilisation: active users over the last ${WINDOW_DAYS} days ÷ \`${seats}\`.`
            : `Accounts whose active users over the last ${WINDOW_DAYS} days reach ${share} of \`${seats}\` or more (over 100%: more active users than seats).`,
        ...(await accountList(b, {
          operationName: id.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()),
          orderBy: byMeasure('SEAT_UTILIZATION'),
          measureFilter,
          columns: [
            nameColumn,
            measureColumn('SEAT_UTILIZATION', 'Seat utilisation', 'PERCENT'),
            measureColumn('ACTIVE_USERS', 'Active users', 'INTEGER'),
            dimensionColumn(seats, 'seats', 'Seats', 'INTEGER'),
          ],
        })),
      };
    },
  };
}

const seatUtilization = seatTemplate('seat-utilization', 'Seat utilisation', null);
const nearSeatLimit = seatTemplate('near-seat-limit', 'Accounts near or over their seat count', NEAR_SEAT_LIMIT);

const fallingBeforeRenewal: Template = {
  id: 'falling-usage-before-renewal',
  title: 'Falling usage before renewal',
  kind: 'SEGMENT',
  object: 'ACCOUNT',
  description: `Accounts renewing in the next ${RENEWAL_HORIZON_DAYS} days whose activity over the last ${WINDOW_DAYS} days fell below the ${WINDOW_DAYS} days before.`,
  inputs: [INPUTS.renewal, INPUTS.activity],
  async build(b) {
    const renewal = fieldKey(b.provided[0]);
    return {
      description: `Accounts whose \`${renewal}\` is in the next ${RENEWAL_HORIZON_DAYS} days and whose activity over the last ${WINDOW_DAYS} days fell below the previous ${WINDOW_DAYS} days, soonest renewal first.`,
      ...(await accountList(b, {
        operationName: 'FallingUsageBeforeRenewal',
        orderBy: { measure: { measure: 'DAYS_UNTIL_RENEWAL' }, direction: 'ASC' },
        measureFilter: [
          { measure: 'DAYS_UNTIL_RENEWAL', gte: 0 },
          { measure: 'DAYS_UNTIL_RENEWAL', lte: RENEWAL_HORIZON_DAYS },
          { measure: 'USAGE_CHANGE', window: WINDOW, lt: 1 },
        ],
        columns: [
          nameColumn,
          measureColumn('DAYS_UNTIL_RENEWAL', 'Days to renewal', 'DAYS'),
          measureColumn('USAGE_CHANGE', 'Usage change', 'CHANGE'),
          measureColumn('ACTIVITY', 'Activity events', 'INTEGER'),
        ],
      })),
    };
  },
};

const expansionCandidates: Template = {
  id: 'expansion-candidates',
  title: 'Expansion candidates',
  kind: 'RANKING',
  object: 'ACCOUNT',
  description: `Accounts whose activity grew over the last ${WINDOW_DAYS} days compared with the ${WINDOW_DAYS} days before, with their company size.`,
  inputs: [INPUTS.activity, INPUTS.companySize],
  async build(b) {
    const size = fieldKey(b.provided[1]);
    return {
      description: `Accounts of known size (\`${size}\`) whose activity over the last ${WINDOW_DAYS} days grew against the previous ${WINDOW_DAYS} days, fastest growth first.`,
      ...(await accountList(b, {
        operationName: 'ExpansionCandidates',
        orderBy: byMeasure('USAGE_CHANGE'),
        filter: [{ key: size, exists: true }],
        measureFilter: [measureAbove('USAGE_CHANGE', 1)],
        columns: [
          nameColumn,
          measureColumn('USAGE_CHANGE', 'Usage change', 'CHANGE'),
          measureColumn('ACTIVITY', 'Activity events', 'INTEGER'),
          dimensionColumn(size, 'companySize', 'Company size', 'INTEGER'),
        ],
      })),
    };
  },
};

const newUsersByAccount: Template = {
  id: 'new-users-by-account',
  title: 'New users by account',
  kind: 'RANKING',
  object: 'ACCOUNT',
  description: `Accounts ranked by users who signed up in the last ${WINDOW_DAYS} days.`,
  inputs: [INPUTS.userCreated],
  async build(b) {
    const created = fieldKey(b.provided[0]);
    return {
      description: `Accounts ranked by users whose \`${created}\` falls in the last ${WINDOW_DAYS} days.`,
      ...(await accountList(b, {
        operationName: 'NewUsersByAccount',
        orderBy: byMeasure('USERS_ADDED'),
        measureFilter: [measureAbove('USERS_ADDED', 0)],
        columns: [nameColumn, measureColumn('USERS_ADDED', 'Users added', 'INTEGER')],
      })),
    };
  },
};

// ---------------------------------------------------------------------------------------------
// Breakdowns of accounts: one `dimensionBreakdown` operation
// ---------------------------------------------------------------------------------------------

async function accountBreakdown(
  b: BuildContext,
  operationName: string,
  key: string,
  label: string,
  sumOf: { key: string; label: string } | null,
): Promise<Omit<Built, 'description'>> {
  const query = `query ${operationName}($key: String!${sumOf ? ', $sumOf: String' : ''}) {
  dimensionBreakdown(object: ACCOUNT, key: $key, limit: ${PAGE}${sumOf ? ', sumOf: $sumOf' : ''}) {
    total missing other
    buckets { label value count${sumOf ? ' sum' : ''} }
  }
}`;
  const rowsOf = async () => {
    const result = await breakdown(b.ctx, { object: 'ACCOUNT', key, limit: PAGE, sumOf: sumOf?.key ?? null });
    return {
      rows: result.buckets.slice(0, PREVIEW_ROWS).map((bucket) => ({
        id: null,
        cells: sumOf ? [bucket.label, bucket.sum ?? null, bucket.count] : [bucket.label, bucket.count],
      })),
      totalCount: result.buckets.length,
    };
  };
  // A sum reads every account's fields: kept until the accounts change (src/insights/answers.ts). A
  // count alone reads the maintained field statistics (folded after the write's commit), every time.
  const preview = sumOf
    ? await keptValue(b.ctx, 'VIEW', answerKey(['view', query, key, sumOf, b.provided]), ACCOUNTS_ONLY, rowsOf)
    : await rowsOf();
  const columns: ViewColumn[] = [
    { key: 'label', label, format: 'TEXT' },
    ...(sumOf ? [{ key: 'sum', label: sumOf.label, format: 'CURRENCY' as const }] : []),
    { key: 'count', label: 'Accounts', format: 'INTEGER' },
  ];
  return {
    operation: { operationName, query, variables: { key, ...(sumOf ? { sumOf: sumOf.key } : {}) } },
    preview: { columns, ...preview },
  };
}

/** What a breakdown of accounts reads: their fields only. */
const ACCOUNTS_ONLY = { records: ['ACCOUNT'] } as const;

const planMix: Template = {
  id: 'plan-mix',
  title: 'Plan mix',
  kind: 'BREAKDOWN',
  object: 'ACCOUNT',
  description: 'Accounts per plan or tier.',
  inputs: [INPUTS.plan],
  async build(b) {
    const plan = fieldKey(b.provided[0]);
    return {
      description: `Accounts per value of \`${plan}\`, largest first.`,
      ...(await accountBreakdown(b, 'PlanMix', plan, 'Plan', null)),
    };
  },
};

const revenueBySegment: Template = {
  id: 'revenue-by-segment',
  title: 'Revenue by region or segment',
  kind: 'BREAKDOWN',
  object: 'ACCOUNT',
  description: 'Total revenue (ARR, MRR or revenue) of the accounts of each region or segment.',
  inputs: [INPUTS.revenue, INPUTS.segment],
  async build(b) {
    const revenue = b.provided[0]?.kind === 'field' ? b.provided[0].field : null;
    const segment = b.provided[1]?.kind === 'field' ? b.provided[1].field : null;
    const revenueKey = revenue?.key ?? '';
    const segmentKey = segment?.key ?? '';
    return {
      description: `Total \`${revenueKey}\` of the accounts of each \`${segmentKey}\`, largest first.`,
      ...(await accountBreakdown(b, 'RevenueBySegment', segmentKey, segment?.label ?? segmentKey, {
        key: revenueKey,
        label: revenue?.label ?? revenueKey,
      })),
    };
  },
};

// ---------------------------------------------------------------------------------------------
// Events and series
// ---------------------------------------------------------------------------------------------

const TOP_FEATURES = 8;
/** The daily counts as `topFeatures` joins them (`r` in its SQL). */
const featureDays = alias(metricDaily, 'r');

const topFeatures: Template = {
  id: 'top-features',
  title: 'Top features used',
  kind: 'BREAKDOWN',
  object: 'EVENT',
  description: `Feature-use events ranked by the accounts that used them in the last ${WINDOW_DAYS} days.`,
  inputs: [INPUTS.featureUse],
  async build(b) {
    const names = eventNames(b.provided[0]);
    const today = dayOf(b.now);
    const firstDay = addDays(today, -(WINDOW_DAYS - 1));
    // Kept with the change counters of the features' weeks (src/insights/answers.ts).
    const found = await keptAnswer<{ name: string; accounts: number; users: number }>(
      b.ctx,
      'VIEW',
      { rollups: { names, days: { firstDay, lastDay: today } } },
      sql`select k.name, count(distinct ${featureDays.accountId})::int as accounts, count(distinct ${featureDays.userId})::int as users
          from jsonb_array_elements_text(${jsonParam(names)}) as k(name)
          left join ${tableAs(featureDays)} on ${featureDays.workspaceId} = ${b.ctx.workspaceId} and ${featureDays.name} = k.name
            and ${featureDays.day} >= ${firstDay}::date and ${featureDays.day} <= ${today}::date
          group by k.name
          order by accounts desc, users desc, k.name
          limit ${TOP_FEATURES}::int`,
    );
    const from = startOfDay(firstDay).toISOString();
    const to = startOfDay(addDays(today, 1)).toISOString();
    const variables: Record<string, unknown> = {};
    const fields: string[] = [];
    found.forEach((row, i) => {
      for (const [prefix, aggregate] of [
        ['accounts', 'UNIQUE_ACCOUNTS'],
        ['users', 'UNIQUE_USERS'],
      ] as const) {
        variables[`${prefix}${i}`] = { metric: { event: row.name }, from, to, interval: 'MONTH', aggregate };
        fields.push(`  ${prefix}${i}: metricSeries(input: $${prefix}${i}) { total metric { name } }`);
      }
    });
    const definitions = Object.keys(variables).map((v) => `$${v}: MetricSeriesInput!`);
    return {
      description: `Feature-use events ranked by the accounts that used them in the last ${WINDOW_DAYS} days (\`${names.slice(0, 3).join('`, `')}\`${names.length > 3 ? '…' : ''}).`,
      operation: {
        operationName: 'TopFeatures',
        query: `query TopFeatures(${definitions.join(', ')}) {\n${fields.join('\n')}\n}`,
        variables,
      },
      preview: {
        columns: [
          { key: 'feature', label: 'Feature', format: 'TEXT' },
          { key: 'accounts', label: 'Accounts', format: 'INTEGER' },
          { key: 'users', label: 'Users', format: 'INTEGER' },
        ],
        rows: found.slice(0, PREVIEW_ROWS).map((r) => ({ id: null, cells: [r.name, r.accounts, r.users] })),
        totalCount: names.length,
      },
    };
  },
};

const WEEKS = 12;

const weeklyActiveUsers: Template = {
  id: 'weekly-active-users',
  title: 'Weekly active users',
  kind: 'SERIES',
  object: 'USER',
  description: `Distinct users who signed in, per week, over the last ${WEEKS} weeks.`,
  inputs: [INPUTS.signIn],
  async build(b) {
    const event = eventNames(b.provided[0])[0] as string;
    const today = dayOf(b.now);
    const input = {
      metric: { event },
      from: startOfDay(addDays(today, -7 * (WEEKS - 1))),
      to: startOfDay(addDays(today, 1)),
      interval: 'WEEK' as const,
      aggregate: 'UNIQUE_USERS' as const,
    };
    const series = await workspaceSeries(b.ctx, input, null, 'VIEW');
    const others = eventNames(b.provided[0]).length - 1;
    return {
      reason: `\`${event}\` is sign-in activity${others > 0 ? ` (the most frequent of ${others + 1} sign-in events)` : ''}.`,
      description: `Distinct users with a \`${event}\` event per ISO week (Monday to Sunday, UTC) over the last ${WEEKS} weeks; the current week is partial.`,
      operation: {
        operationName: 'WeeklyActiveUsers',
        query: `query WeeklyActiveUsers($input: MetricSeriesInput!) {
  metricSeries(input: $input) { total points { start value } }
}`,
        variables: { input: { ...input, from: input.from.toISOString(), to: input.to.toISOString() } },
      },
      preview: {
        columns: [
          { key: 'start', label: 'Week', format: 'DATE' },
          { key: 'value', label: 'Active users', format: 'INTEGER' },
        ],
        rows: series.points.map((p) => ({ id: null, cells: [p.start.toISOString(), p.value] })),
        totalCount: series.points.length,
      },
    };
  },
};

/** Every built-in view, in the order a customer-success lead reads them. */
export const TEMPLATES: readonly Template[] = [
  mostActive,
  seatUtilization,
  nearSeatLimit,
  fallingBeforeRenewal,
  expansionCandidates,
  newUsersByAccount,
  weeklyActiveUsers,
  topFeatures,
  planMix,
  revenueBySegment,
];
