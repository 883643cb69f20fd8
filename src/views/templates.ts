import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { ObjectKind, ValueFormat, ViewColumn, ViewKind } from '../__generated__/types.ts';
import type { Reads } from '../insights/answers.ts';
import { type MeasureInputs, measureWindow } from '../insights/measures.ts';
import { addDays, bucketOf, dayOf, startOfDay, windowDays } from '../insights/time.ts';
import * as op from './gql/graphql.ts';
import { INPUTS, type InputSpec, type Provided } from './inputs.ts';

// The built-in views, as data. Each names its inputs and its operation (./operations.graphql);
// once this workspace provides the inputs, `build` gives the operation's variables (which field,
// which events, the window), the columns and what the operation reads. The preview is the
// operation executed with those variables (./service.ts): `rows` says where its result holds the
// rows, and each row's cells are read at the columns' keys (the operation's response keys).

export const PREVIEW_ROWS = 5;
const WINDOW_DAYS = 30;
const WINDOW = { lastDays: WINDOW_DAYS };
const RENEWAL_HORIZON_DAYS = 90;
const NEAR_SEAT_LIMIT = 0.8;
const WEEKS = 12;

/** What a template gets once its inputs are provided: one entry per input, in the template's order. */
export interface BuildContext {
  now: Date;
  provided: Provided[];
  /** The fields and events the measures read (activity events, seats, renewal, sign-up date). */
  measures: MeasureInputs;
}

export interface Built<TVariables> {
  description: string;
  /** When the view uses only some of what provides an input (e.g. one sign-in event of several). */
  reason?: string;
  variables: TVariables;
  columns: ViewColumn[];
  /**
   * What the operation reads: its preview is kept until that changes (src/insights/answers.ts).
   * Null: computed every time (it reads maintained statistics only).
   */
  reads: Reads | null;
}

/** The rows of a result: objects holding each column's key (and `id` when the row is a record), and how many the whole view has. */
export interface ResultRows {
  items: ReadonlyArray<Record<string, unknown>>;
  totalCount: number | null;
}

export interface Template<TResult = any, TVariables = any> {
  id: string;
  title: string;
  kind: ViewKind;
  object: ObjectKind;
  /** The description of a locked view (no field names known yet). */
  description: string;
  inputs: readonly InputSpec[];
  document: TypedDocumentNode<TResult, TVariables>;
  build(b: BuildContext): Built<TVariables>;
  rows(data: TResult, variables: TVariables): ResultRows;
}

/** A template typed by its operation, listed with the others. */
const template = <TResult, TVariables>(t: Template<TResult, TVariables>): Template => t;

const fieldKey = (p: Provided | undefined): string => (p?.kind === 'field' ? p.field.key : '');
const eventNames = (p: Provided | undefined): string[] => (p?.kind === 'events' ? p.events.map((e) => e.name) : []);
const column = (key: string, label: string, format: ValueFormat): ViewColumn => ({ key, label, format });

// ---------------------------------------------------------------------------------------------
// Account lists (rankings and segments): an `accounts` connection, a row per account
// ---------------------------------------------------------------------------------------------

const name = column('name', 'Account', 'TEXT');

const accountRows = (data: { accounts: { totalCount: number; edges: Array<{ node: { id: string } }> } }): ResultRows => ({
  items: data.accounts.edges.map((edge) => edge.node),
  totalCount: data.accounts.totalCount,
});

/** What an account list reads: accounts, users (sign-up dates, their activity's account), activity of the window and the one before. */
function accountListReads(b: BuildContext): Reads {
  const { current, previous } = measureWindow(WINDOW, b.now);
  return {
    rollups: { names: b.measures.activity, days: { firstDay: previous.firstDay, lastDay: current.lastDay } },
    records: ['ACCOUNT', 'USER'],
  };
}

const mostActive = template({
  id: 'most-active-accounts',
  title: 'Most active accounts',
  kind: 'RANKING',
  object: 'ACCOUNT',
  description: `Accounts ranked by active users (distinct users with an activity event) over the last ${WINDOW_DAYS} days.`,
  inputs: [INPUTS.activity],
  document: op.MostActiveAccountsDocument,
  build: (b) => ({
    description: `Accounts ranked by active users over the last ${WINDOW_DAYS} days: distinct users with an activity event (${eventNames(b.provided[0]).slice(0, 3).join(', ')}…).`,
    variables: { window: WINDOW },
    columns: [name, column('activeUsers', 'Active users', 'INTEGER'), column('activity', 'Activity events', 'INTEGER')],
    reads: accountListReads(b),
  }),
  rows: accountRows,
});

const seatColumns = [
  name,
  column('seatUtilization', 'Seat utilisation', 'PERCENT'),
  column('activeUsers', 'Active users', 'INTEGER'),
  column('seats', 'Seats', 'INTEGER'),
];

const seatUtilization = template({
  id: 'seat-utilization',
  title: 'Seat utilisation',
  kind: 'RANKING',
  object: 'ACCOUNT',
  description: `Accounts ranked by active users over the last ${WINDOW_DAYS} days divided by their seats.`,
  inputs: [INPUTS.seats, INPUTS.activity],
  document: op.SeatUtilizationDocument,
  build: (b) => ({
    description: `Accounts ranked by seat utilisation: active users over the last ${WINDOW_DAYS} days ÷ \`${fieldKey(b.provided[0])}\`.`,
    variables: { window: WINDOW, seatsKey: fieldKey(b.provided[0]) },
    columns: seatColumns,
    reads: accountListReads(b),
  }),
  rows: accountRows,
});

const nearSeatLimit = template({
  id: 'near-seat-limit',
  title: 'Accounts near or over their seat count',
  kind: 'SEGMENT',
  object: 'ACCOUNT',
  description: `Accounts whose active users over the last ${WINDOW_DAYS} days reach ${NEAR_SEAT_LIMIT * 100}% of their seats or more.`,
  inputs: [INPUTS.seats, INPUTS.activity],
  document: op.NearSeatLimitDocument,
  build: (b) => ({
    description: `Accounts whose active users over the last ${WINDOW_DAYS} days reach ${NEAR_SEAT_LIMIT * 100}% of \`${fieldKey(b.provided[0])}\` or more (over 100%: more active users than seats).`,
    variables: { window: WINDOW, seatsKey: fieldKey(b.provided[0]), atLeast: NEAR_SEAT_LIMIT },
    columns: seatColumns,
    reads: accountListReads(b),
  }),
  rows: accountRows,
});

const fallingBeforeRenewal = template({
  id: 'falling-usage-before-renewal',
  title: 'Falling usage before renewal',
  kind: 'SEGMENT',
  object: 'ACCOUNT',
  description: `Accounts renewing in the next ${RENEWAL_HORIZON_DAYS} days whose activity over the last ${WINDOW_DAYS} days fell below the ${WINDOW_DAYS} days before.`,
  inputs: [INPUTS.renewal, INPUTS.activity],
  document: op.FallingUsageBeforeRenewalDocument,
  build: (b) => ({
    description: `Accounts whose \`${fieldKey(b.provided[0])}\` is in the next ${RENEWAL_HORIZON_DAYS} days and whose activity over the last ${WINDOW_DAYS} days fell below the previous ${WINDOW_DAYS} days, soonest renewal first.`,
    variables: { window: WINDOW, horizonDays: RENEWAL_HORIZON_DAYS },
    columns: [
      name,
      column('daysUntilRenewal', 'Days to renewal', 'DAYS'),
      column('usageChange', 'Usage change', 'CHANGE'),
      column('activity', 'Activity events', 'INTEGER'),
    ],
    reads: accountListReads(b),
  }),
  rows: accountRows,
});

const expansionCandidates = template({
  id: 'expansion-candidates',
  title: 'Expansion candidates',
  kind: 'RANKING',
  object: 'ACCOUNT',
  description: `Accounts whose activity grew over the last ${WINDOW_DAYS} days compared with the ${WINDOW_DAYS} days before, with their company size.`,
  inputs: [INPUTS.activity, INPUTS.companySize],
  document: op.ExpansionCandidatesDocument,
  build: (b) => ({
    description: `Accounts of known size (\`${fieldKey(b.provided[1])}\`) whose activity over the last ${WINDOW_DAYS} days grew against the previous ${WINDOW_DAYS} days, fastest growth first.`,
    variables: { window: WINDOW, sizeKey: fieldKey(b.provided[1]) },
    columns: [
      name,
      column('usageChange', 'Usage change', 'CHANGE'),
      column('activity', 'Activity events', 'INTEGER'),
      column('companySize', 'Company size', 'INTEGER'),
    ],
    reads: accountListReads(b),
  }),
  rows: accountRows,
});

const newUsersByAccount = template({
  id: 'new-users-by-account',
  title: 'New users by account',
  kind: 'RANKING',
  object: 'ACCOUNT',
  description: `Accounts ranked by users who signed up in the last ${WINDOW_DAYS} days.`,
  inputs: [INPUTS.userCreated],
  document: op.NewUsersByAccountDocument,
  build: (b) => ({
    description: `Accounts ranked by users whose \`${fieldKey(b.provided[0])}\` falls in the last ${WINDOW_DAYS} days.`,
    variables: { window: WINDOW },
    columns: [name, column('usersAdded', 'Users added', 'INTEGER')],
    reads: accountListReads(b),
  }),
  rows: accountRows,
});

// ---------------------------------------------------------------------------------------------
// Series and events: a row per point, per event
// ---------------------------------------------------------------------------------------------

const weeklyActiveUsers = template({
  id: 'weekly-active-users',
  title: 'Weekly active users',
  kind: 'SERIES',
  object: 'USER',
  description: `Distinct users who signed in, per week, over the last ${WEEKS} weeks.`,
  inputs: [INPUTS.signIn],
  document: op.WeeklyActiveUsersDocument,
  build: (b) => {
    const [event = '', ...others] = eventNames(b.provided[0]);
    const today = dayOf(b.now);
    const firstDay = addDays(today, -7 * (WEEKS - 1));
    return {
      reason: `\`${event}\` is sign-in activity${others.length > 0 ? ` (the most frequent of ${others.length + 1} sign-in events)` : ''}.`,
      description: `Distinct users with a \`${event}\` event per ISO week (Monday to Sunday, UTC) over the last ${WEEKS} weeks; the current week is partial.`,
      variables: { event, from: startOfDay(firstDay).toISOString(), to: startOfDay(addDays(today, 1)).toISOString() },
      columns: [column('start', 'Week', 'DATE'), column('value', 'Active users', 'INTEGER')],
      // The series starts on the Monday of its first day's week.
      reads: { rollups: { names: [event], days: { firstDay: bucketOf(firstDay, 'WEEK'), lastDay: today } } },
    };
  },
  rows: (data) => ({ items: data.metricSeries.points, totalCount: data.metricSeries.points.length }),
});

const topFeatures = template({
  id: 'top-features',
  title: 'Top features used',
  kind: 'BREAKDOWN',
  object: 'EVENT',
  description: `Feature-use events ranked by the accounts that used them in the last ${WINDOW_DAYS} days.`,
  inputs: [INPUTS.featureUse],
  document: op.TopFeaturesDocument,
  build: (b) => {
    const events = eventNames(b.provided[0]);
    return {
      description: `Feature-use events ranked by the accounts that used them in the last ${WINDOW_DAYS} days (\`${events.slice(0, 3).join('`, `')}\`${events.length > 3 ? '…' : ''}).`,
      variables: { events, window: WINDOW },
      columns: [column('feature', 'Feature', 'TEXT'), column('accounts', 'Accounts', 'INTEGER'), column('users', 'Users', 'INTEGER')],
      reads: { rollups: { names: events, days: windowDays(WINDOW, b.now) } },
    };
  },
  // Every feature-use event is ranked; the operation returns the first.
  rows: (data, variables) => ({ items: data.eventReach, totalCount: variables.events.length }),
});

// ---------------------------------------------------------------------------------------------
// Breakdowns of accounts: a `dimensionBreakdown`, a row per bucket
// ---------------------------------------------------------------------------------------------

const bucketRows = (data: { dimensionBreakdown: { buckets: Array<{ label: string }> } }): ResultRows => ({
  items: data.dimensionBreakdown.buckets,
  totalCount: data.dimensionBreakdown.buckets.length,
});

const planMix = template({
  id: 'plan-mix',
  title: 'Plan mix',
  kind: 'BREAKDOWN',
  object: 'ACCOUNT',
  description: 'Accounts per plan or tier.',
  inputs: [INPUTS.plan],
  document: op.PlanMixDocument,
  build: (b) => ({
    description: `Accounts per value of \`${fieldKey(b.provided[0])}\`, largest first.`,
    variables: { key: fieldKey(b.provided[0]) },
    columns: [column('label', 'Plan', 'TEXT'), column('count', 'Accounts', 'INTEGER')],
    // Counts alone read the maintained field statistics: cheap, read every time.
    reads: null,
  }),
  rows: bucketRows,
});

const revenueBySegment = template({
  id: 'revenue-by-segment',
  title: 'Revenue by region or segment',
  kind: 'BREAKDOWN',
  object: 'ACCOUNT',
  description: 'Total revenue (ARR, MRR or revenue) of the accounts of each region or segment.',
  inputs: [INPUTS.revenue, INPUTS.segment],
  document: op.RevenueBySegmentDocument,
  build: (b) => {
    const revenue = b.provided[0]?.kind === 'field' ? b.provided[0].field : null;
    const segment = b.provided[1]?.kind === 'field' ? b.provided[1].field : null;
    const revenueKey = revenue?.key ?? '';
    const segmentKey = segment?.key ?? '';
    return {
      description: `Total \`${revenueKey}\` of the accounts of each \`${segmentKey}\`, largest first.`,
      variables: { key: segmentKey, sumOf: revenueKey },
      columns: [
        column('label', segment?.label ?? segmentKey, 'TEXT'),
        column('sum', revenue?.label ?? revenueKey, 'CURRENCY'),
        column('count', 'Accounts', 'INTEGER'),
      ],
      // A sum reads every account's fields.
      reads: { records: ['ACCOUNT'] },
    };
  },
  rows: bucketRows,
});

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
