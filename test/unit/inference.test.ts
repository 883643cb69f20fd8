import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { inferType, inferValueType, mergeTypes, SEMANTIC_TYPES, type SemanticType } from '../../src/catalog/inference.ts';
import { inferSemantic, semanticCacheSize } from '../../src/catalog/semantics.ts';
import { humanLabel, inferenceWork, keyTokens } from '../../src/catalog/tokens.ts';
import type { FieldType, ObjectKind } from '../../src/vocabulary.ts';

const FIELD_TYPES: readonly FieldType[] = ['STRING', 'NUMBER', 'BOOLEAN', 'DATETIME', 'EMAIL', 'URL', 'MIXED'];

type Row = [
  key: string,
  object: ObjectKind,
  samples: readonly unknown[],
  type: FieldType | null,
  semantic: SemanticType | null,
  label: string,
];

// Column names as they show up in real Hightouch syncs from Snowflake/BigQuery/Postgres models.
const COLUMNS: readonly Row[] = [
  // Accounts
  ['num_employees', 'ACCOUNT', [250, 1200, 45], 'NUMBER', 'EMPLOYEE_COUNT', 'Num Employees'],
  ['employee_count', 'ACCOUNT', ['250', '1200', null], 'NUMBER', 'EMPLOYEE_COUNT', 'Employee Count'],
  ['headcount', 'ACCOUNT', [80, 15000], 'NUMBER', 'EMPLOYEE_COUNT', 'Headcount'],
  ['company_size', 'ACCOUNT', ['51-200', '1001-5000'], 'STRING', 'EMPLOYEE_COUNT', 'Company Size'],
  ['fte', 'ACCOUNT', [42], 'NUMBER', 'EMPLOYEE_COUNT', 'FTE'],
  ['companyRegion', 'ACCOUNT', ['EMEA', 'NA', 'APAC'], 'STRING', 'REGION', 'Company Region'],
  ['sales_region', 'ACCOUNT', ['West', 'Central'], 'STRING', 'REGION', 'Sales Region'],
  ['territory', 'ACCOUNT', ['NAMER-ENT'], 'STRING', 'REGION', 'Territory'],
  ['acct_seat_count', 'ACCOUNT', [25, 100, null], 'NUMBER', 'SEATS', 'Acct Seat Count'],
  ['licenses', 'ACCOUNT', [10, 50], 'NUMBER', 'SEATS', 'Licenses'],
  ['paid_seats', 'ACCOUNT', [12], 'NUMBER', 'SEATS', 'Paid Seats'],
  ['licensed_users', 'ACCOUNT', ['40'], 'NUMBER', 'SEATS', 'Licensed Users'],
  ['ARR (USD)', 'ACCOUNT', [120000, '98000.50'], 'NUMBER', 'ARR', 'ARR (USD)'],
  ['arr_usd', 'ACCOUNT', [120000], 'NUMBER', 'ARR', 'ARR USD'],
  ['MRR', 'ACCOUNT', [9900, 12000.5], 'NUMBER', 'MRR', 'MRR'],
  ['monthly_recurring_revenue', 'ACCOUNT', [4999], 'NUMBER', 'MRR', 'Monthly Recurring Revenue'],
  ['annual_revenue', 'ACCOUNT', [5_000_000, 12_000_000], 'NUMBER', 'REVENUE', 'Annual Revenue'],
  ['ANNUAL_REVENUE', 'ACCOUNT', ['5000000'], 'NUMBER', 'REVENUE', 'Annual Revenue'],
  ['hq_country', 'ACCOUNT', ['US', 'DE', 'GB'], 'STRING', 'COUNTRY', 'HQ Country'],
  ['billing_country', 'ACCOUNT', ['United States', 'France'], 'STRING', 'COUNTRY', 'Billing Country'],
  ['state', 'ACCOUNT', ['CA', 'NY'], 'STRING', 'STATE', 'State'],
  ['billing_state', 'ACCOUNT', ['Texas'], 'STRING', 'STATE', 'Billing State'],
  ['city', 'ACCOUNT', ['Berlin', 'Austin'], 'STRING', 'CITY', 'City'],
  ['plan_tier', 'ACCOUNT', ['Free', 'Pro', 'Enterprise'], 'STRING', 'PLAN', 'Plan Tier'],
  ['subscription_tier', 'ACCOUNT', ['growth', 'scale'], 'STRING', 'PLAN', 'Subscription Tier'],
  ['pricing_plan', 'ACCOUNT', ['team'], 'STRING', 'PLAN', 'Pricing Plan'],
  ['edition', 'ACCOUNT', ['Enterprise'], 'STRING', 'PLAN', 'Edition'],
  ['tier', 'ACCOUNT', ['Gold'], 'STRING', 'PLAN', 'Tier'],
  ['industry', 'ACCOUNT', ['Software', 'Retail'], 'STRING', 'INDUSTRY', 'Industry'],
  ['vertical', 'ACCOUNT', ['Fintech'], 'STRING', 'INDUSTRY', 'Vertical'],
  ['website', 'ACCOUNT', ['https://acme.com', 'https://www.globex.io/'], 'URL', 'WEBSITE', 'Website'],
  ['homepage', 'ACCOUNT', ['http://initech.example'], 'URL', 'WEBSITE', 'Homepage'],
  ['domain', 'ACCOUNT', ['acme.com', 'globex.io'], 'STRING', 'DOMAIN', 'Domain'],
  ['company_domain', 'ACCOUNT', ['acme.com'], 'STRING', 'DOMAIN', 'Company Domain'],
  ['name', 'ACCOUNT', ['Acme Corp', 'Globex'], 'STRING', 'COMPANY_NAME', 'Name'],
  ['account_name', 'ACCOUNT', ['Initech'], 'STRING', 'COMPANY_NAME', 'Account Name'],
  ['ACCOUNT_NAME', 'ACCOUNT', ['Initech'], 'STRING', 'COMPANY_NAME', 'Account Name'],
  ['id', 'ACCOUNT', ['0015g00000AbCdE'], 'STRING', 'ACCOUNT_ID', 'ID'],
  ['csm_email', 'ACCOUNT', ['jane@ourco.com', 'sam@ourco.com'], 'EMAIL', 'OWNER', 'CSM Email'],
  ['owner_email', 'ACCOUNT', ['rep@ourco.com'], 'EMAIL', 'OWNER', 'Owner Email'],
  ['ae_email', 'ACCOUNT', ['ae@ourco.com'], 'EMAIL', 'OWNER', 'AE Email'],
  ['account_owner', 'ACCOUNT', ['Jane Doe', 'Sam Lee'], 'STRING', 'OWNER', 'Account Owner'],
  ['account_manager', 'ACCOUNT', ['pat@ourco.com'], 'EMAIL', 'OWNER', 'Account Manager'],
  ['sales_rep', 'ACCOUNT', ['Sam Lee'], 'STRING', 'OWNER', 'Sales Rep'],
  ['billing_contact', 'ACCOUNT', ['ap@acme.com'], 'EMAIL', 'EMAIL', 'Billing Contact'],
  ['created_at', 'ACCOUNT', ['2023-01-15T09:30:00Z', '2023-02-01T12:00:00.123Z'], 'DATETIME', 'CREATED_AT', 'Created At'],
  ['updated_at', 'ACCOUNT', ['2024-05-01 10:00:00'], 'DATETIME', 'UPDATED_AT', 'Updated At'],
  ['renewal_date', 'ACCOUNT', ['2025-03-31'], 'DATETIME', 'RENEWAL_DATE', 'Renewal Date'],
  ['contract_end', 'ACCOUNT', ['2025-12-31'], 'DATETIME', 'RENEWAL_DATE', 'Contract End'],
  ['trial_ends_at', 'ACCOUNT', ['2024-06-01T00:00:00Z'], 'DATETIME', 'TRIAL_ENDS_AT', 'Trial Ends At'],
  ['trial_expiration', 'ACCOUNT', ['2024-06-01'], 'DATETIME', 'TRIAL_ENDS_AT', 'Trial Expiration'],
  ['lifecycle_stage', 'ACCOUNT', ['trial', 'customer', 'churned'], 'STRING', 'LIFECYCLE_STAGE', 'Lifecycle Stage'],
  ['customer_status', 'ACCOUNT', ['active'], 'STRING', 'LIFECYCLE_STAGE', 'Customer Status'],
  ['status', 'ACCOUNT', ['active', 'churned'], 'STRING', 'LIFECYCLE_STAGE', 'Status'],
  ['health_score', 'ACCOUNT', [82, 45.5], 'NUMBER', 'HEALTH_SCORE', 'Health Score'],
  ['churn_risk', 'ACCOUNT', ['low', 'high'], 'STRING', 'HEALTH_SCORE', 'Churn Risk'],
  ['is_paying', 'ACCOUNT', [true, false, 'TRUE'], 'BOOLEAN', null, 'Is Paying'],
  ['sso_enabled', 'ACCOUNT', ['false'], 'BOOLEAN', null, 'SSO Enabled'],
  ['last_invoice_amount', 'ACCOUNT', [1299.99], 'NUMBER', null, 'Last Invoice Amount'],
  ['zip_code', 'ACCOUNT', ['02139', '94107'], 'MIXED', null, 'Zip Code'],

  // Users
  ['id', 'USER', [42, 43], 'NUMBER', 'USER_ID', 'ID'],
  ['account_id', 'USER', ['acc_123', 'acc_456'], 'STRING', 'ACCOUNT_ID', 'Account ID'],
  ['org_id', 'USER', ['org_9'], 'STRING', 'ACCOUNT_ID', 'Org ID'],
  ['name', 'USER', ['Ada Lovelace'], 'STRING', 'FULL_NAME', 'Name'],
  ['full_name', 'USER', ['Grace Hopper'], 'STRING', 'FULL_NAME', 'Full Name'],
  ['first_name', 'USER', ['Ada', 'Grace'], 'STRING', 'FIRST_NAME', 'First Name'],
  ['given_name', 'USER', ['Ada'], 'STRING', 'FIRST_NAME', 'Given Name'],
  ['LastName', 'USER', ['Lovelace', 'Hopper'], 'STRING', 'LAST_NAME', 'Last Name'],
  ['surname', 'USER', ['Hopper'], 'STRING', 'LAST_NAME', 'Surname'],
  ['email', 'USER', ['ada@example.com'], 'EMAIL', 'EMAIL', 'Email'],
  ['work_email', 'USER', ['ada@acme.com', 'n/a'], 'STRING', 'EMAIL', 'Work Email'],
  ['phone_number', 'USER', ['+1 415 555 0100', '+44 20 7946 0958'], 'STRING', 'PHONE', 'Phone Number'],
  ['mobile', 'USER', ['+1 555 0100'], 'STRING', 'PHONE', 'Mobile'],
  ['job_title', 'USER', ['VP Engineering', 'Data Analyst'], 'STRING', 'JOB_TITLE', 'Job Title'],
  ['title', 'USER', ['CTO'], 'STRING', 'JOB_TITLE', 'Title'],
  ['user_role', 'USER', ['admin', 'member', 'viewer'], 'STRING', 'ROLE', 'User Role'],
  ['permission_level', 'USER', ['owner', 'editor'], 'STRING', 'ROLE', 'Permission Level'],
  ['timezone', 'USER', ['America/New_York', 'Europe/Berlin'], 'STRING', 'TIMEZONE', 'Timezone'],
  ['country_code', 'USER', ['US', 'FR'], 'STRING', 'COUNTRY', 'Country Code'],
  ['signup_date', 'USER', ['2024-05-01', '2024-06-11'], 'DATETIME', 'CREATED_AT', 'Signup Date'],
  ['createdAt', 'USER', ['2024-05-01T10:00:00Z'], 'DATETIME', 'CREATED_AT', 'Created At'],
  ['signed_up_at', 'USER', ['2024-05-01T10:00:00Z'], 'DATETIME', 'CREATED_AT', 'Signed Up At'],
  ['last_login_at', 'USER', ['2024-05-01T10:00:00+02:00'], 'DATETIME', 'LAST_SEEN_AT', 'Last Login At'],
  ['lastActivityAt', 'USER', ['2024-05-01T10:00:00.5-05:00'], 'DATETIME', 'LAST_SEEN_AT', 'Last Activity At'],
  ['last_seen', 'USER', [null, '2024-05-01T10:00:00Z'], 'DATETIME', 'LAST_SEEN_AT', 'Last Seen'],
  ['nps', 'USER', [9, 10, 6], 'NUMBER', 'HEALTH_SCORE', 'NPS'],
  ['ltv', 'USER', [349.5], 'NUMBER', 'REVENUE', 'LTV'],
  ['favorite_color', 'USER', ['blue'], 'STRING', null, 'Favorite Color'],
  ['utm_source', 'USER', ['google', 'newsletter'], 'STRING', null, 'UTM Source'],
  ['feature_flags', 'USER', [['beta', 'sso'], { dark_mode: true }], 'STRING', null, 'Feature Flags'],
  ['manager_email', 'USER', ['boss@acme.com'], 'EMAIL', null, 'Manager Email'],
  ['email_verified', 'USER', [true], 'BOOLEAN', null, 'Email Verified'],

  // Events
  ['user_id', 'EVENT', [1001, 1002], 'NUMBER', 'USER_ID', 'User ID'],
  ['uid', 'EVENT', ['u_1'], 'STRING', 'USER_ID', 'Uid'],
  ['page_url', 'EVENT', ['https://app.ourco.com/settings'], 'URL', null, 'Page URL'],
  ['ip_address', 'EVENT', ['203.0.113.7'], 'STRING', null, 'IP Address'],
  ['duration_ms', 'EVENT', [1200, 350], 'NUMBER', null, 'Duration Ms'],

  // False-positive guards: a shared substring is not a shared meaning.
  ['seasonality', 'ACCOUNT', [0.8, 1.2], 'NUMBER', null, 'Seasonality'],
  ['planet', 'USER', ['Mars'], 'STRING', null, 'Planet'],
  ['arrival_date', 'EVENT', ['2024-05-01'], 'DATETIME', null, 'Arrival Date'],
  ['paid_seats_ratio', 'ACCOUNT', [0.75], 'NUMBER', null, 'Paid Seats Ratio'],
  ['arr_per_seat', 'ACCOUNT', [1200], 'NUMBER', null, 'ARR Per Seat'],
  ['arr_growth_pct', 'ACCOUNT', [0.12], 'NUMBER', null, 'ARR Growth Pct'],
  ['seat_price', 'ACCOUNT', [30], 'NUMBER', null, 'Seat Price'],
  ['state_of_mind', 'USER', ['curious'], 'STRING', null, 'State Of Mind'],
  ['account_state', 'ACCOUNT', ['open'], 'STRING', null, 'Account State'],
  ['created_count', 'EVENT', [3, 7], 'NUMBER', null, 'Created Count'],
  ['plan_id', 'ACCOUNT', ['price_123'], 'STRING', null, 'Plan ID'],
  ['hubspot_owner_id', 'ACCOUNT', [51234], 'NUMBER', null, 'Hubspot Owner ID'],
  ['support_tier', 'ACCOUNT', ['premium'], 'STRING', null, 'Support Tier'],
  ['mobile_sessions', 'USER', [14], 'NUMBER', null, 'Mobile Sessions'],
  ['linkedin_url', 'USER', ['https://www.linkedin.com/in/ada'], 'URL', null, 'Linkedin URL'],
  ['planned_launch_date', 'ACCOUNT', ['2024-09-01'], 'DATETIME', null, 'Planned Launch Date'],
];

describe('warehouse columns: type, semantic and label', () => {
  it.each(COLUMNS)('%s on %s', (key, object, samples, type, semantic, label) => {
    const inferred = inferType(samples);
    expect(inferred).toBe(type);
    expect(inferSemantic(key, inferred, object)).toBe(semantic);
    expect(humanLabel(key)).toBe(label);
  });

  it('covers a realistic number of columns', () => {
    expect(COLUMNS.length).toBeGreaterThanOrEqual(60);
  });

  it('only yields declared semantic types', () => {
    for (const [key, object, samples] of COLUMNS) {
      const semantic = inferSemantic(key, inferType(samples), object);
      if (semantic !== null) expect(SEMANTIC_TYPES).toContain(semantic);
    }
  });
});

describe('inferSemantic: the type and the object break ties', () => {
  it.each<[string, FieldType | null, ObjectKind, SemanticType | null]>([
    // Quantities must be numeric.
    ['seats', 'NUMBER', 'ACCOUNT', 'SEATS'],
    ['seats', 'STRING', 'ACCOUNT', null],
    ['seats', null, 'ACCOUNT', 'SEATS'],
    ['seat_type', 'STRING', 'ACCOUNT', null],
    ['mrr', 'STRING', 'ACCOUNT', null],
    // Time-ish names need timestamps (epoch numbers are not recognised as dates).
    ['created_at', 'NUMBER', 'USER', null],
    ['created_at', null, 'USER', 'CREATED_AT'],
    ['renewal_amount', 'NUMBER', 'ACCOUNT', null],
    // Text-only meanings.
    ['status', 'NUMBER', 'ACCOUNT', null],
    ['plan', 'BOOLEAN', 'ACCOUNT', null],
    ['health_score', 'STRING', 'ACCOUNT', 'HEALTH_SCORE'],
    ['health_status', 'STRING', 'ACCOUNT', 'HEALTH_SCORE'],
    // Same word, different object.
    ['status', 'STRING', 'EVENT', null],
    ['name', 'STRING', 'EVENT', null],
    ['title', 'STRING', 'EVENT', null],
    ['id', 'STRING', 'EVENT', null],
    ['display_name', 'STRING', 'ACCOUNT', 'COMPANY_NAME'],
    ['display_name', 'STRING', 'USER', 'FULL_NAME'],
    ['url', 'URL', 'ACCOUNT', 'WEBSITE'],
    ['url', 'URL', 'EVENT', null],
    ['manager', 'EMAIL', 'ACCOUNT', 'OWNER'],
    ['manager', 'EMAIL', 'USER', null],
    // E-mail by values, unless the name says whose.
    ['contact', 'EMAIL', 'USER', 'EMAIL'],
    ['email', null, 'USER', 'EMAIL'],
    ['email_address', 'EMAIL', 'USER', 'EMAIL'],
    ['e-mail', 'EMAIL', 'USER', 'EMAIL'],
    ['email_domain', 'STRING', 'USER', 'DOMAIN'],
    ['csm', 'EMAIL', 'ACCOUNT', 'OWNER'],
    ['user_id', 'EMAIL', 'EVENT', 'USER_ID'],
    ['owner_user_id', 'STRING', 'ACCOUNT', null],
    // Concatenated and camel spellings.
    ['firstname', 'STRING', 'USER', 'FIRST_NAME'],
    ['FirstName', 'STRING', 'USER', 'FIRST_NAME'],
    ['fname', 'STRING', 'USER', 'FIRST_NAME'],
    ['lname', 'STRING', 'USER', 'LAST_NAME'],
    ['family_name', 'STRING', 'USER', 'LAST_NAME'],
    ['time_zone', 'STRING', 'USER', 'TIMEZONE'],
    ['tz', 'STRING', 'USER', 'TIMEZONE'],
    ['date_created', 'DATETIME', 'ACCOUNT', 'CREATED_AT'],
    ['created', 'DATETIME', 'ACCOUNT', 'CREATED_AT'],
    ['modified_at', 'DATETIME', 'ACCOUNT', 'UPDATED_AT'],
    ['renews_at', 'DATETIME', 'ACCOUNT', 'RENEWAL_DATE'],
    ['trial_end', 'DATETIME', 'ACCOUNT', 'TRIAL_ENDS_AT'],
    ['last_active', 'DATETIME', 'USER', 'LAST_SEEN_AT'],
    ['Seats__c', 'NUMBER', 'ACCOUNT', 'SEATS'], // the Salesforce custom-field suffix says nothing of the meaning
    ['company', 'STRING', 'ACCOUNT', 'COMPANY_NAME'],
    ['organization', 'STRING', 'ACCOUNT', 'COMPANY_NAME'],
    ['org_name', 'STRING', 'USER', 'COMPANY_NAME'],
    ['customer_name', 'STRING', 'ACCOUNT', 'COMPANY_NAME'],
    ['username', 'STRING', 'USER', null], // a login handle, not a person's name
    ['first_seen_at', 'DATETIME', 'USER', null],
    ['company_id', 'NUMBER', 'USER', 'ACCOUNT_ID'],
    ['acct_id', 'STRING', 'EVENT', 'ACCOUNT_ID'],
    ['member_id', 'STRING', 'EVENT', 'USER_ID'],
    ['annual_recurring_revenue', 'NUMBER', 'ACCOUNT', 'ARR'],
    ['website_domain', 'STRING', 'ACCOUNT', 'DOMAIN'],
    ['lifecycle', 'STRING', 'USER', 'LIFECYCLE_STAGE'],
    ['stage', 'STRING', 'ACCOUNT', 'LIFECYCLE_STAGE'],
    ['account_status', 'STRING', 'ACCOUNT', 'LIFECYCLE_STAGE'],
    ['geo', 'STRING', 'ACCOUNT', 'REGION'],
    ['province', 'STRING', 'ACCOUNT', 'STATE'],
    ['revenue', 'NUMBER', 'ACCOUNT', 'REVENUE'],
    ['sector', 'STRING', 'ACCOUNT', 'INDUSTRY'],
    ['health', 'NUMBER', 'ACCOUNT', 'HEALTH_SCORE'],
    ['role', 'STRING', 'USER', 'ROLE'],
    ['phone', 'NUMBER', 'USER', 'PHONE'],
    ['', 'STRING', 'USER', null],
    ['___', null, 'ACCOUNT', null],
  ])('%s (%s, %s) -> %s', (key, type, object, expected) => {
    expect(inferSemantic(key, type, object)).toBe(expected);
  });
});

describe('inferValueType', () => {
  it.each<[string, unknown, FieldType | null]>([
    ['null', null, null],
    ['undefined', undefined, null],
    ['integer', 42, 'NUMBER'],
    ['negative fraction', -0.5, 'NUMBER'],
    ['zero', 0, 'NUMBER'],
    ['bigint', 10n, 'NUMBER'],
    // Non-finite numbers cannot come from JSON; treat them like a missing value rather than poisoning the column.
    ['NaN', Number.NaN, null],
    ['Infinity', Number.POSITIVE_INFINITY, null],
    ['-Infinity', Number.NEGATIVE_INFINITY, null],
    ['true', true, 'BOOLEAN'],
    ['false', false, 'BOOLEAN'],

    ['date only', '2024-05-01', 'DATETIME'],
    ['UTC date-time', '2024-05-01T10:00:00Z', 'DATETIME'],
    ['positive offset', '2024-05-01T10:00:00+02:00', 'DATETIME'],
    ['negative offset, fractional seconds', '2024-05-01T10:00:00.123456-05:30', 'DATETIME'],
    ['offset without colon', '2024-05-01T10:00:00+0200', 'DATETIME'],
    ['space separator (warehouse text cast)', '2024-05-01 10:00:00', 'DATETIME'],
    ['no seconds', '2024-05-01T10:00', 'DATETIME'],
    ['leap day', '2024-02-29', 'DATETIME'],
    ['not a leap year', '2023-02-29', 'STRING'],
    ['month 13', '2024-13-01', 'STRING'],
    ['hour 25', '2024-05-01T25:00:00Z', 'STRING'],
    ['unpadded', '2024-5-1', 'STRING'],
    ['US format', '05/01/2024', 'STRING'],
    ['offset on a bare date', '2024-05-01Z', 'STRING'],

    ['e-mail', 'ada@example.com', 'EMAIL'],
    ['e-mail with tag and subdomain', 'first.last+tag@mail.example.co.uk', 'EMAIL'],
    ['e-mail without TLD', 'ada@localhost', 'STRING'],
    ['e-mail without local part', '@example.com', 'STRING'],
    ['two @', 'a@b@example.com', 'STRING'],
    ['double dot', 'ada..x@example.com', 'STRING'],
    ['e-mail with spaces', 'ada lovelace@example.com', 'STRING'],

    ['https URL', 'https://acme.com', 'URL'],
    ['http URL with port, path and query', 'http://localhost:3000/a/b?q=1#x', 'URL'],
    ['upper-case scheme', 'HTTPS://ACME.COM', 'URL'],
    ['bare domain', 'acme.com', 'STRING'],
    ['www without scheme', 'www.acme.com', 'STRING'],
    ['ftp', 'ftp://acme.com/file', 'STRING'],
    ['scheme only', 'https://', 'STRING'],
    ['URL with a space', 'https://exa mple.com', 'STRING'],

    ['integer string', '42', 'NUMBER'],
    ['negative fraction string', '-0.5', 'NUMBER'],
    ['exponent', '1e3', 'NUMBER'],
    ['negative exponent', '1E-7', 'NUMBER'],
    ['zero string', '0', 'NUMBER'],
    ['zip code keeps its leading zero', '02139', 'STRING'],
    ['leading zeros', '007', 'STRING'],
    ['explicit plus', '+1', 'STRING'],
    ['leading dot', '.5', 'STRING'],
    ['trailing dot', '1.', 'STRING'],
    ['thousands separator', '1,000', 'STRING'],
    ['overflowing exponent', '1e999', 'STRING'],
    ['"NaN" string', 'NaN', 'STRING'],
    ['"Infinity" string', 'Infinity', 'STRING'],

    ['TRUE', 'TRUE', 'BOOLEAN'],
    ['False', 'False', 'BOOLEAN'],
    ['yes is not a boolean', 'yes', 'STRING'],

    // Blank strings are how warehouses and CSV exports spell "missing".
    ['empty string', '', null],
    ['spaces', '   ', null],
    ['tabs and newlines', '\t\n', null],
    ['padded number', ' 42 ', 'NUMBER'],
    ['padded date', ' 2024-05-01 ', 'DATETIME'],
    ['padded text', '  hello ', 'STRING'],

    ['plain text', 'hello world', 'STRING'],
    ['object', { a: 1 }, 'STRING'],
    ['array', [1, 2], 'STRING'],
    ['empty array', [], 'STRING'],
    ['Date instance', new Date('2024-05-01T00:00:00Z'), 'DATETIME'],
    ['invalid Date', new Date('nope'), null],
  ])('%s', (_name, value, expected) => {
    expect(inferValueType(value)).toBe(expected);
  });

  it('treats very long strings as STRING, and never gives a regular expression more than 2,048 characters', () => {
    // Every pattern is also written to match in linear time (no ambiguous repetition); what this
    // checks is the bound on their input: a blob is typed STRING before any pattern sees it.
    const inputs: number[] = [];
    const exec = RegExp.prototype.exec;
    const spy = vi.spyOn(RegExp.prototype, 'exec').mockImplementation(function (this: RegExp, s: string) {
      inputs.push(String(s).length);
      return exec.call(this, s);
    });
    try {
      expect(inferValueType('x'.repeat(100_000))).toBe('STRING');
      expect(inferValueType('1'.repeat(5_000))).toBe('STRING');
      expect(inferValueType(`${'a'.repeat(300)}@example.com`)).toBe('STRING');
      expect(inferValueType(`https://${'a'.repeat(1_500)}!`)).toBe('STRING');
      expect(inferValueType(`${'a.'.repeat(1_000)}@`)).toBe('STRING');
    } finally {
      spy.mockRestore();
    }
    expect(inputs.length).toBeGreaterThan(0);
    expect(Math.max(...inputs)).toBeLessThanOrEqual(2_048);
  });

  it('never throws and always answers with a FieldType or null', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withDate: true, withNullPrototype: true }), (value) => {
        const type = inferValueType(value);
        return type === null || FIELD_TYPES.includes(type);
      }),
    );
  });
});

describe('mergeTypes', () => {
  const ALL: readonly (FieldType | null)[] = [null, ...FIELD_TYPES];

  it('is commutative', () => {
    for (const a of ALL) for (const b of ALL) expect(mergeTypes(a, b)).toBe(mergeTypes(b, a));
  });

  it('is associative', () => {
    for (const a of ALL)
      for (const b of ALL) for (const c of ALL) expect(mergeTypes(mergeTypes(a, b), c)).toBe(mergeTypes(a, mergeTypes(b, c)));
  });

  it('treats null as neutral and is idempotent', () => {
    for (const a of ALL) {
      expect(mergeTypes(a, null)).toBe(a);
      expect(mergeTypes(null, a)).toBe(a);
      expect(mergeTypes(a, a)).toBe(a);
    }
  });

  it('lets MIXED absorb every observation', () => {
    for (const a of FIELD_TYPES) expect(mergeTypes('MIXED', a)).toBe('MIXED');
  });

  it.each<[FieldType, FieldType, FieldType]>([
    ['EMAIL', 'STRING', 'STRING'],
    ['URL', 'STRING', 'STRING'],
    // MIXED here would break associativity ((EMAIL+URL)+STRING vs EMAIL+(URL+STRING)).
    ['EMAIL', 'URL', 'STRING'],
    ['NUMBER', 'STRING', 'MIXED'],
    ['DATETIME', 'STRING', 'MIXED'],
    ['NUMBER', 'BOOLEAN', 'MIXED'],
    ['DATETIME', 'NUMBER', 'MIXED'],
    ['EMAIL', 'NUMBER', 'MIXED'],
  ])('%s + %s -> %s', (a, b, expected) => {
    expect(mergeTypes(a, b)).toBe(expected);
  });
});

describe('inferType', () => {
  it.each<[string, readonly unknown[], FieldType | null]>([
    ['no samples', [], null],
    ['only missing values', [null, undefined, '', '  '], null],
    ['numbers and numeric strings', [1, '2.5', null], 'NUMBER'],
    ['some e-mails, some junk', ['a@example.com', 'unknown'], 'STRING'],
    ['numbers and words', [1, 'x'], 'MIXED'],
    ['booleans in every spelling', [true, 'false', 'True'], 'BOOLEAN'],
    ['dates with and without time', ['2024-05-01', '2024-05-01T10:00:00Z'], 'DATETIME'],
  ])('%s', (_name, values, expected) => {
    expect(inferType(values)).toBe(expected);
  });

  it('does not depend on sample order', () => {
    const sample = fc.oneof(
      fc.constantFrom(null, '', 'x', '42', '02139', 'true', '2024-05-01', 'a@example.com', 'https://acme.com'),
      fc.integer(),
      fc.boolean(),
    );
    fc.assert(
      fc.property(fc.array(sample), fc.func(fc.integer()), (values, order) => {
        const shuffled = values
          .map((value, i) => ({ value, rank: order(i) }))
          .sort((a, b) => a.rank - b.rank)
          .map(({ value }) => value);
        return inferType(shuffled) === inferType(values);
      }),
    );
  });
});

describe('humanLabel', () => {
  it.each([
    ['acct_seat_count', 'Acct Seat Count'],
    ['companyRegion', 'Company Region'],
    ['num_employees', 'Num Employees'],
    ['ARR (USD)', 'ARR (USD)'],
    ['arr (usd)', 'ARR (USD)'],
    ['annual revenue (usd)', 'Annual revenue (USD)'],
    ['Number of seats', 'Number of seats'],
    ['  seat   count ', 'Seat count'],
    ['deal-size', 'Deal Size'],
    ['account.plan.tier', 'Account Plan Tier'],
    ['ACCOUNT_NAME', 'Account Name'],
    ['userId', 'User ID'],
    ['HTTPStatusCode', 'Http Status Code'],
    ['crm_id', 'CRM ID'],
    ['sla_hours', 'SLA Hours'],
    ['arpu', 'ARPU'],
    ['api_calls_30d', 'API Calls 30d'],
    ['is_b2b', 'Is B2B'],
    ['sso_login_ip', 'SSO Login IP'],
    ['utm_campaign', 'UTM Campaign'],
    ['hq_city', 'HQ City'],
    ['nps_score', 'NPS Score'],
    ['website_url', 'Website URL'],
    ['address_line_2', 'Address Line 2'],
    ['', ''],
  ])('%j -> %j', (key, expected) => {
    expect(humanLabel(key)).toBe(expected);
  });
});

describe('keyTokens', () => {
  it.each<[string, string[]]>([
    ['ARR (USD)', ['arr', 'usd']],
    ['acct_seat_count', ['acct', 'seat', 'count']],
    ['lastActivityAt', ['last', 'activity', 'at']],
    ['HTTPStatus', ['http', 'status']],
    ['ACCOUNT_NAME', ['account', 'name']],
    ['e-mail', ['e', 'mail']],
    ['account.plan.tier', ['account', 'plan', 'tier']],
    ['is_B2B', ['is', 'b2b']],
    ['  __weird--key__  ', ['weird', 'key']],
    ['', []],
  ])('%j', (key, expected) => {
    expect(keyTokens(key)).toEqual(expected);
  });

  it('yields non-empty lower-case tokens for any key', () => {
    fc.assert(fc.property(fc.string(), (key) => keyTokens(key).every((t) => t.length > 0 && t === t.toLowerCase() && !/\s/.test(t))));
  });
});

describe('hostile keys: work per key is linear in its length, answers are cached', () => {
  // The regular expressions the one-pass tokenizer replaced: it must split exactly as they did.
  const regexTokens = (key: string) =>
    key
      .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
      .replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, '$1 $2')
      .split(/[^\p{L}\p{N}]+/u)
      .filter((word) => word.length > 0)
      .map((word) => word.toLowerCase());

  it('tokenizes like the former regular expressions', () => {
    const letters = fc.constantFrom('a', 'B', 'c', 'D', 'é', 'É', 'ǅ', '2', '_', ' ', '-', 'ß', '𝐀', '𝐚', 'ー');
    fc.assert(
      fc.property(fc.array(letters, { maxLength: 24 }), (chars) => {
        const key = chars.join('');
        expect(keyTokens(key)).toEqual(regexTokens(key));
      }),
      { numRuns: 2000 },
    );
  });

  /** Work spent inferring the meaning of one key never seen before. */
  const workFor = (key: string, object: ObjectKind = 'ACCOUNT'): number => {
    const before = inferenceWork();
    inferSemantic(key, 'STRING', object);
    return inferenceWork() - before;
  };

  it('a key of 1,024 characters costs at most ~8 times one of 128 (every token an allowed suffix)', () => {
    // "Iso" is an allowed suffix of every rule; the former matcher peeled all 42 tokens and built
    // every contiguous run of them for every rule (cubic: ~8 ms per 128-character key).
    const short = `k0001${'Iso'.repeat(41)}`;
    const long = `k000001${'Iso'.repeat(339)}`;
    expect([short.length, long.length]).toEqual([128, 1024]);
    const ratio = workFor(long) / workFor(short);
    expect(ratio).toBeLessThan(8 * 1.25);
    // Same shape with other words and separators.
    for (const [unit, object] of [
      ['_name', 'USER'],
      ['Code', 'EVENT'],
      ['-usd', 'ACCOUNT'],
    ] as const) {
      const a = `x${unit.repeat(Math.floor(127 / unit.length))}`;
      const b = `y${unit.repeat(Math.floor(1023 / unit.length))}`;
      expect(workFor(b, object) / workFor(a, object)).toBeLessThan(8 * 1.25);
    }
  });

  it('answers a key seen before from the cache, and the cache stays bounded', () => {
    const key = `k0002${'Iso'.repeat(41)}`;
    expect(workFor(key)).toBeGreaterThan(0);
    expect(workFor(key)).toBe(0);
    for (let i = 0; i < 12_000; i++) inferSemantic(`custom_${i}`, 'NUMBER', 'EVENT');
    expect(semanticCacheSize()).toBeLessThanOrEqual(10_000);
    // Still correct after eviction.
    expect(inferSemantic('acct_seat_count', 'NUMBER', 'ACCOUNT')).toBe('SEATS');
  });
});
