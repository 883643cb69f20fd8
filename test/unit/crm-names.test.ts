import { describe, expect, it } from 'vitest';
import type { FieldType, ObjectKind, SemanticType } from '../../src/catalog/inference.ts';
import { inferEventRole, type MetricRole } from '../../src/catalog/roles.ts';
import { inferSemantic, meaningTokens } from '../../src/catalog/semantics.ts';
import { humanLabel, inferenceWork } from '../../src/catalog/tokens.ts';
import { HELD_OUT_COLUMNS, HELD_OUT_EVENTS } from './crm/held-out.ts';

// Column and event names of warehouses filled from Salesforce, HubSpot and product analytics, with
// the meaning a person would assign (null: none of the product's meanings). These tables are the
// ones the rules were written against; ./crm/held-out.ts holds names they were never tuned on.

type Column = [key: string, object: ObjectKind, type: FieldType, meaning: SemanticType | null];

const SALESFORCE: readonly Column[] = [
  // Standard fields (PascalCase)
  ['Name', 'ACCOUNT', 'STRING', 'COMPANY_NAME'],
  ['BillingCountry', 'ACCOUNT', 'STRING', 'COUNTRY'],
  ['BillingCity', 'ACCOUNT', 'STRING', 'CITY'],
  ['BillingState', 'ACCOUNT', 'STRING', 'STATE'],
  ['BillingPostalCode', 'ACCOUNT', 'STRING', null],
  ['Phone', 'ACCOUNT', 'STRING', 'PHONE'],
  ['Website', 'ACCOUNT', 'URL', 'WEBSITE'],
  ['Industry', 'ACCOUNT', 'STRING', 'INDUSTRY'],
  ['NumberOfEmployees', 'ACCOUNT', 'NUMBER', 'EMPLOYEE_COUNT'],
  ['AnnualRevenue', 'ACCOUNT', 'NUMBER', 'REVENUE'],
  ['OwnerId', 'ACCOUNT', 'STRING', 'OWNER'],
  ['CreatedDate', 'ACCOUNT', 'DATETIME', 'CREATED_AT'],
  ['LastModifiedDate', 'ACCOUNT', 'DATETIME', 'UPDATED_AT'],
  ['LastActivityDate', 'ACCOUNT', 'DATETIME', 'LAST_SEEN_AT'],
  ['NumberOfLicenses', 'ACCOUNT', 'NUMBER', 'SEATS'],
  ['LeadSource', 'USER', 'STRING', null],
  ['Rating', 'ACCOUNT', 'STRING', null],
  ['AccountId', 'USER', 'STRING', 'ACCOUNT_ID'],
  ['FirstName', 'USER', 'STRING', 'FIRST_NAME'],
  ['LastName', 'USER', 'STRING', 'LAST_NAME'],
  ['Title', 'USER', 'STRING', 'JOB_TITLE'],
  ['MobilePhone', 'USER', 'STRING', 'PHONE'],
  ['MailingCountry', 'USER', 'STRING', 'COUNTRY'],
  ['Email', 'USER', 'EMAIL', 'EMAIL'],
  // Custom fields, as the API names them and after an ELT tool lower-cased them
  ['Licenses__c', 'ACCOUNT', 'NUMBER', 'SEATS'],
  ['Next_Renewal__c', 'ACCOUNT', 'DATETIME', 'RENEWAL_DATE'],
  ['Contract_Value__c', 'ACCOUNT', 'NUMBER', 'REVENUE'],
  ['Paid_Seats__c', 'ACCOUNT', 'NUMBER', 'SEATS'],
  ['Customer_Since__c', 'ACCOUNT', 'DATETIME', 'CREATED_AT'],
  ['Plan__c', 'ACCOUNT', 'STRING', 'PLAN'],
  ['Health_Score__c', 'ACCOUNT', 'NUMBER', 'HEALTH_SCORE'],
  ['CSM__c', 'ACCOUNT', 'STRING', 'OWNER'],
  ['Customer_Success_Manager__c', 'ACCOUNT', 'STRING', 'OWNER'],
  ['ARR__c', 'ACCOUNT', 'NUMBER', 'ARR'],
  ['Churn_Risk__c', 'ACCOUNT', 'STRING', 'HEALTH_SCORE'],
  ['Contract_End_Date__c', 'ACCOUNT', 'DATETIME', 'RENEWAL_DATE'],
  ['Product_Tier__c', 'ACCOUNT', 'STRING', 'PLAN'],
  ['Segment__c', 'ACCOUNT', 'STRING', null],
  ['Region__c', 'ACCOUNT', 'STRING', 'REGION'],
  ['ACV__c', 'ACCOUNT', 'NUMBER', 'ARR'],
  ['Preferred_Language__pc', 'USER', 'STRING', null],
  ['licenses_c', 'ACCOUNT', 'NUMBER', 'SEATS'],
  ['next_renewal_c', 'ACCOUNT', 'DATETIME', 'RENEWAL_DATE'],
  ['contract_value_c', 'ACCOUNT', 'NUMBER', 'REVENUE'],
  ['employee_count_c', 'ACCOUNT', 'NUMBER', 'EMPLOYEE_COUNT'],
];

const HUBSPOT: readonly Column[] = [
  ['createdate', 'ACCOUNT', 'DATETIME', 'CREATED_AT'],
  ['hs_analytics_source', 'USER', 'STRING', null],
  ['property_industry', 'ACCOUNT', 'STRING', 'INDUSTRY'],
  ['property_domain', 'ACCOUNT', 'STRING', 'DOMAIN'],
  ['property_phone', 'ACCOUNT', 'STRING', 'PHONE'],
  ['firstname', 'USER', 'STRING', 'FIRST_NAME'],
  ['lastname', 'USER', 'STRING', 'LAST_NAME'],
  ['email', 'USER', 'EMAIL', 'EMAIL'],
  ['total_revenue', 'ACCOUNT', 'NUMBER', 'REVENUE'],
  ['hs_num_open_deals', 'ACCOUNT', 'NUMBER', null],
  ['num_associated_contacts', 'ACCOUNT', 'NUMBER', null],
  ['zip', 'ACCOUNT', 'STRING', null],
  ['timezone', 'USER', 'STRING', 'TIMEZONE'],
  ['hs_ideal_customer_profile', 'ACCOUNT', 'STRING', null],
  ['property_seats_purchased', 'ACCOUNT', 'NUMBER', 'SEATS'],
  ['property_contract_end_date', 'ACCOUNT', 'DATETIME', 'RENEWAL_DATE'],
  ['associatedcompanyid', 'USER', 'STRING', 'ACCOUNT_ID'],
  ['numberoflicenses', 'ACCOUNT', 'NUMBER', 'SEATS'],
  ['property_hs_lead_status', 'USER', 'STRING', null],
  ['properties__industry__value', 'ACCOUNT', 'STRING', 'INDUSTRY'],
  ['recent_deal_close_date', 'ACCOUNT', 'DATETIME', null],
];

const MARTS: readonly Column[] = [
  ['cust_segment', 'ACCOUNT', 'STRING', null],
  ['acct_created_dt', 'ACCOUNT', 'DATETIME', 'CREATED_AT'],
  ['seats_purchased_qty', 'ACCOUNT', 'NUMBER', 'SEATS'],
  ['arr_amt', 'ACCOUNT', 'NUMBER', 'ARR'],
  ['acct_owner_email', 'ACCOUNT', 'EMAIL', 'OWNER'],
  ['cust_since_dt', 'ACCOUNT', 'DATETIME', 'CREATED_AT'],
  ['contract_end_dt', 'ACCOUNT', 'DATETIME', 'RENEWAL_DATE'],
  ['trial_end_ts', 'ACCOUNT', 'DATETIME', 'TRIAL_ENDS_AT'],
  ['last_login_ts', 'USER', 'DATETIME', 'LAST_SEEN_AT'],
  ['lic_cnt', 'ACCOUNT', 'NUMBER', 'SEATS'],
  ['seat_cnt', 'ACCOUNT', 'NUMBER', 'SEATS'],
  ['cust_id', 'USER', 'STRING', 'ACCOUNT_ID'],
  ['usr_id', 'EVENT', 'STRING', 'USER_ID'],
  ['ctry_cd', 'ACCOUNT', 'STRING', 'COUNTRY'],
  ['rgn', 'ACCOUNT', 'STRING', 'REGION'],
  ['total_rev_amt', 'ACCOUNT', 'NUMBER', 'REVENUE'],
  ['plan_nm', 'ACCOUNT', 'STRING', 'PLAN'],
  ['mrr_usd_amt', 'ACCOUNT', 'NUMBER', 'MRR'],
  ['cust_email', 'USER', 'EMAIL', 'EMAIL'],
  ['registration_ts', 'USER', 'DATETIME', 'CREATED_AT'],
  ['contract_value_amt', 'ACCOUNT', 'NUMBER', 'REVENUE'],
  ['avg_seat_price_amt', 'ACCOUNT', 'NUMBER', null],
];

const EVENTS: ReadonlyArray<[name: string, role: MetricRole | null]> = [
  // Segment (tracks rows, per-event tables) and its spec's names
  ['Signed In', 'SIGN_IN'],
  ['order_completed', 'EXPANSION'],
  ['Application Opened', 'SIGN_IN'],
  ['Report Created', 'FEATURE_USE'],
  ['dashboard_shared', 'FEATURE_USE'],
  ['user_invited', 'INVITE'],
  ['Plan Upgraded', 'EXPANSION'],
  ['Subscription Renewed', 'EXPANSION'],
  ['session_start', 'SIGN_IN'],
  // Amplitude
  ['[Amplitude] Page Viewed', 'PAGE_VIEW'],
  ['[Amplitude] Session Start', 'SIGN_IN'],
  // Mixpanel
  ['$mp_web_page_view', 'PAGE_VIEW'],
  ['$pageview', 'PAGE_VIEW'],
  ['$identify', null],
  ['Screen Viewed', 'PAGE_VIEW'],
  // CRM and marketing activity
  ['EmailOpened', 'ENGAGEMENT'],
  ['MeetingBooked', 'ENGAGEMENT'],
  ['Email Opened', 'ENGAGEMENT'],
  ['email_link_clicked', 'ENGAGEMENT'],
  ['Call Completed', 'ENGAGEMENT'],
  ['Form Submitted', 'ENGAGEMENT'],
  ['Webinar Attended', 'ENGAGEMENT'],
  ['Email Delivered', 'ENGAGEMENT'],
];

const misses = (table: readonly Column[]) =>
  table.filter(([key, object, type, meaning]) => inferSemantic(key, type, object) !== meaning).map(([key]) => key);

describe('CRM-export column names: the meaning a person would assign', () => {
  for (const [source, table] of [
    ['Salesforce', SALESFORCE],
    ['HubSpot', HUBSPOT],
    ['warehouse marts', MARTS],
  ] as const) {
    it.each(table)(`${source}: %j (%s, %s) -> %s`, (key, object, type, meaning) => {
      expect(inferSemantic(key, type, object)).toBe(meaning);
    });
  }

  it('covers at least 40 column names across the three sources', () => {
    expect(SALESFORCE.length + HUBSPOT.length + MARTS.length).toBeGreaterThanOrEqual(40);
  });
});

describe('event names of Segment, Amplitude, Mixpanel and CRM activity', () => {
  it.each(EVENTS)('%j -> %s', (name, role) => {
    expect(inferEventRole(name)).toBe(role);
  });

  it('covers at least 20 event names', () => {
    expect(EVENTS.length).toBeGreaterThanOrEqual(20);
  });
});

describe('held-out names (never tuned on): accuracy', () => {
  it('gives >= 90% of the held-out column names the meaning a person would assign', () => {
    const missed = misses(HELD_OUT_COLUMNS);
    const accuracy = 1 - missed.length / HELD_OUT_COLUMNS.length;
    console.info(`held-out columns: ${(accuracy * 100).toFixed(1)}% of ${HELD_OUT_COLUMNS.length}; missed: ${missed.join(', ')}`);
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('gives >= 90% of the held-out event names the role a person would assign', () => {
    const missed = HELD_OUT_EVENTS.filter(([name, role]) => inferEventRole(name) !== role).map(([name]) => name);
    const accuracy = 1 - missed.length / HELD_OUT_EVENTS.length;
    console.info(`held-out events: ${(accuracy * 100).toFixed(1)}% of ${HELD_OUT_EVENTS.length}; missed: ${missed.join(', ')}`);
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
  });
});

describe('meaningTokens: the words a CRM-export key is read from', () => {
  it.each<[string, string[]]>([
    ['Licenses__c', ['licenses']],
    ['next_renewal_c', ['next', 'renewal']],
    ['hs_lastmodifieddate', ['last', 'modified', 'date']],
    ['property_hs_timezone', ['timezone']],
    ['closedate', ['close', 'date']],
    ['numberoflicenses', ['number', 'of', 'licenses']],
    ['acct_created_dt', ['account', 'created', 'date']],
    ['seats_purchased_qty', ['seats', 'purchased', 'quantity']],
    ['NumberOfEmployees', ['number', 'of', 'employees']],
    // Not split: a word of the vocabulary, or no split covers the whole word.
    ['seasonality', ['seasonality']],
    ['planet', ['planet']],
    ['territory', ['territory']],
    // A decoration alone is the key.
    ['c', ['c']],
    ['hs', ['hs']],
  ])('%j -> %j', (key, words) => {
    expect(meaningTokens(key)).toEqual(words);
  });

  it('labels Salesforce custom fields without their suffix', () => {
    expect(humanLabel('Next_Renewal__c')).toBe('Next Renewal');
    expect(humanLabel('licenses_c')).toBe('Licenses');
  });
});

describe('hostile run-together keys: splitting stays linear in the key length', () => {
  const workFor = (key: string): number => {
    const before = inferenceWork();
    inferSemantic(key, 'NUMBER', 'ACCOUNT');
    return inferenceWork() - before;
  };

  it.each([
    ['every position starts a word', 'on'],
    ['words that overlap', 'seatsused'],
    ['a word the vocabulary almost covers', 'numberoflicense'],
    ['no word at all', 'q'],
  ])('%s: a key of 1,024 characters costs at most ~8 times one of 128', (_case, unit) => {
    // The segmenter walks the whole key: a first character outside the vocabulary would stop it at once.
    const key = (length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
    const [short, long] = [workFor(key(128)), workFor(key(1024))];
    expect(short).toBeGreaterThan(128);
    expect(long / short).toBeLessThan(8 * 1.25);
  });
});
