import { describe, expect, it } from 'vitest';
import { inferEventRole, inferMetricRole, inferValueRole, lemma, type MetricRole, roleFits } from '../../src/catalog/roles.ts';

// Event names as product analytics pipelines emit them: Segment's "Object Action" spec, its
// mirror "Action Object", snake_case from dbt models, camelCase from SDKs, and vendor-prefixed names.
const EVENTS: ReadonlyArray<[string, MetricRole | null]> = [
  ['Signed In', 'SIGN_IN'],
  ['user_login', 'SIGN_IN'],
  ['session_started', 'SIGN_IN'],
  ['Logged In', 'SIGN_IN'],
  ['signIn', 'SIGN_IN'],
  ['login', 'SIGN_IN'],
  ['Application Opened', 'SIGN_IN'],
  ['app_open', 'SIGN_IN'],
  ['Page Viewed', 'PAGE_VIEW'],
  ['Viewed Page', 'PAGE_VIEW'],
  ['$pageview', 'PAGE_VIEW'],
  ['screen_view', 'PAGE_VIEW'],
  ['$mp_web_page_view', 'PAGE_VIEW'],
  ['Loaded a Page', 'PAGE_VIEW'],
  ['invite_sent', 'INVITE'],
  ['Invited User', 'INVITE'],
  ['Team Member Invited', 'INVITE'],
  ['user_added', 'INVITE'],
  ['Signed Up', 'INVITE'],
  ['Upgraded Plan', 'EXPANSION'],
  ['subscription_upgraded', 'EXPANSION'],
  ['Order Completed', 'EXPANSION'],
  ['Invoice Paid', 'EXPANSION'],
  ['Seats Added', 'EXPANSION'],
  ['purchase', 'EXPANSION'],
  ['Plan Downgraded', 'CONTRACTION'],
  ['Subscription Cancelled', 'CONTRACTION'],
  ['subscription_canceled', 'CONTRACTION'],
  ['Churned', 'CONTRACTION'],
  ['seat_removed', 'CONTRACTION'],
  ['Error Occurred', 'ERROR'],
  ['api_error', 'ERROR'],
  ['Login Failed', 'ERROR'],
  ['Payment Failed', 'ERROR'],
  ['$ae_crashed', 'ERROR'],
  // CRM and marketing activity: recognised, not activity.
  ['EmailOpened', 'ENGAGEMENT'],
  ['MeetingBooked', 'ENGAGEMENT'],
  ['email_link_clicked', 'ENGAGEMENT'],
  ['Call Logged', 'ENGAGEMENT'],
  ['Form Submitted', 'ENGAGEMENT'],
  ['Webinar Attended', 'ENGAGEMENT'],
  ['Created Report', 'FEATURE_USE'],
  ['report_created', 'FEATURE_USE'],
  ['Ran Query', 'FEATURE_USE'],
  ['Exported Data', 'FEATURE_USE'],
  ['Shared Dashboard', 'FEATURE_USE'],
  ['Uploaded File', 'FEATURE_USE'],
  ['Commented', 'FEATURE_USE'],
  ['Feature Used', 'FEATURE_USE'],
  ['Exported', 'FEATURE_USE'],
  // Nothing a person would call activity, a purchase or an error.
  ['Logged Out', null],
  ['Trial Started', null],
  ['$identify', null],
  ['heartbeat', null],
  ['Opened Ticket', null],
  ['', null],
];

const PROPERTIES: ReadonlyArray<[string, MetricRole | null]> = [
  ['amount', 'REVENUE'],
  ['amount_usd', 'REVENUE'],
  ['price_cents', 'REVENUE'],
  ['order_total', 'REVENUE'],
  ['revenue', 'REVENUE'],
  ['total', 'REVENUE'],
  ['quantity', 'QUANTITY'],
  ['num_items', 'QUANTITY'],
  ['rows', 'QUANTITY'],
  ['rows_total', 'QUANTITY'],
  ['total_rows', 'QUANTITY'],
  ['seatCount', 'QUANTITY'],
  ['duration', 'DURATION'],
  ['duration_ms', 'DURATION'],
  ['seconds', 'DURATION'],
  ['timeSpentSeconds', 'DURATION'],
  ['load_time_ms', 'DURATION'],
  ['latency', 'DURATION'],
  ['ms', 'DURATION'],
  ['score', null],
  ['version', null],
  ['page_number_id', null],
];

describe('metric roles', () => {
  it.each(EVENTS)('event %j is %s', (name, role) => {
    expect(inferEventRole(name)).toBe(role);
    expect(inferMetricRole('COUNT', name)).toBe(role);
  });

  it.each(PROPERTIES)('property %j is %s', (key, role) => {
    expect(inferValueRole(key)).toBe(role);
    expect(inferMetricRole('VALUE', key)).toBe(role);
  });

  it('lemmatises inflections onto the vocabulary and leaves other words alone', () => {
    expect(['invited', 'inviting', 'invites'].map(lemma)).toEqual(['invite', 'invite', 'invite']);
    expect(['cancelled', 'canceled', 'logged', 'sent', 'paid'].map(lemma)).toEqual(['cancel', 'cancel', 'log', 'send', 'pay']);
    expect(['status', 'news', 'process'].map(lemma)).toEqual(['status', 'news', 'process']);
  });

  it('keeps event roles on count metrics and value roles on value metrics', () => {
    expect(roleFits('COUNT', 'SIGN_IN')).toBe(true);
    expect(roleFits('COUNT', 'REVENUE')).toBe(false);
    expect(roleFits('VALUE', 'DURATION')).toBe(true);
    expect(roleFits('VALUE', 'INVITE')).toBe(false);
  });
});
