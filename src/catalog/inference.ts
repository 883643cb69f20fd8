/**
 * What does a warehouse column mean? Hightouch syncs Accounts, Users and Events with whatever
 * column names the customer's warehouse happens to use, and the product has to build views
 * without asking anyone to configure a mapping. This module guesses a column's value type from
 * sample values and its business meaning from its name.
 *
 * Pure and dependency-free on purpose: it runs at ingest time, in tests and in scripts alike.
 */

export type FieldType = 'STRING' | 'NUMBER' | 'BOOLEAN' | 'DATETIME' | 'EMAIL' | 'URL' | 'MIXED';
/** The three objects a workspace receives. Transports spell them their own way (`Lowercase<ObjectKind>`). */
export type ObjectKind = 'ACCOUNT' | 'USER' | 'EVENT';
/** The objects with an identity (stored as dimension rows: accounts and users). */
export type RecordKind = Exclude<ObjectKind, 'EVENT'>;

export const SEMANTIC_TYPES = [
  'COMPANY_NAME',
  'DOMAIN',
  'WEBSITE',
  'EMAIL',
  'PHONE',
  'FULL_NAME',
  'FIRST_NAME',
  'LAST_NAME',
  'JOB_TITLE',
  'ROLE',
  'SEATS',
  'EMPLOYEE_COUNT',
  'REGION',
  'COUNTRY',
  'STATE',
  'CITY',
  'TIMEZONE',
  'PLAN',
  'MRR',
  'ARR',
  'REVENUE',
  'INDUSTRY',
  'CREATED_AT',
  'UPDATED_AT',
  'LAST_SEEN_AT',
  'RENEWAL_DATE',
  'TRIAL_ENDS_AT',
  'OWNER',
  'LIFECYCLE_STAGE',
  'HEALTH_SCORE',
  'ACCOUNT_ID',
  'USER_ID',
] as const;
export type SemanticType = (typeof SEMANTIC_TYPES)[number];

// ---------------------------------------------------------------------------------------------
// Value types
// ---------------------------------------------------------------------------------------------

/** Canonical numbers only: a leading zero ("02139", "007") means an identifier or a code, not a quantity. */
const NUMERIC = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * ISO-8601 calendar date, optionally with a time and offset. A space instead of "T" is accepted
 * because that is how Snowflake, BigQuery and Postgres print timestamps when cast to text.
 * Groups: year, month, day, hour, minute, second, offset hour, offset minute.
 */
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:[Zz]|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;

/** Pragmatic RFC 5322 subset: what real mailboxes look like, without quoted local parts or IP literals. */
const EMAIL_LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
/** A mail domain needs a real TLD: "ada@localhost" is not a customer's e-mail. */
const EMAIL_DOMAIN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

/** http(s) only: other schemes (mailto:, ftp:, s3:) are not something we can link a user to. */
const HTTP_URL =
  /^https?:\/\/(?:[^\s/?#@]+@)?(?:\[[0-9a-f:.]+\]|(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)*[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?)(?::\d{1,5})?(?:[/?#]\S*)?$/iu;

/** Nothing we recognise is this long (URLs in practice stay under 2k); it also bounds regex work on blobs. */
const MAX_PATTERN_LENGTH = 2048;

/**
 * Type of one already-normalized JSON value; null means "no information".
 *
 * Decisions beyond the obvious:
 * - NaN/±Infinity (and numeric strings that overflow, like "1e999") carry no usable measurement;
 *   non-finite numbers are null so one bad sample cannot turn a numeric column into MIXED,
 *   overflowing strings are STRING because they are not representable as a NUMBER.
 * - Strings are trimmed first (CHAR padding, CSV exports); "" and whitespace-only strings are null,
 *   since warehouses routinely use them for "missing".
 * - Date instances (not JSON, but handy from drivers) are DATETIME; other objects/arrays are STRING.
 */
export function inferValueType(value: unknown): FieldType | null {
  switch (typeof value) {
    case 'undefined':
      return null;
    case 'number':
      return Number.isFinite(value) ? 'NUMBER' : null;
    case 'bigint':
      return 'NUMBER';
    case 'boolean':
      return 'BOOLEAN';
    case 'string':
      return inferStringType(value);
    default:
      if (value === null) return null;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : 'DATETIME';
      return 'STRING';
  }
}

function inferStringType(raw: string): FieldType | null {
  const s = raw.trim();
  if (s === '') return null;
  if (s.length > MAX_PATTERN_LENGTH) return 'STRING';
  const lower = s.toLowerCase();
  if (lower === 'true' || lower === 'false') return 'BOOLEAN';
  if (NUMERIC.test(s)) return Number.isFinite(Number(s)) ? 'NUMBER' : 'STRING';
  if (isIsoDateTime(s)) return 'DATETIME';
  if (isEmail(s)) return 'EMAIL';
  if (HTTP_URL.test(s)) return 'URL';
  return 'STRING';
}

export function isIsoDateTime(s: string): boolean {
  return parseIsoDateTime(s) !== null;
}

/**
 * The one ISO-8601 reader of the service (catalog typing, stored values, filters, event times):
 * the instant in epoch ms, or null when the text is not a valid date-time. Accepts a date alone
 * (midnight UTC), a date-time without offset (UTC), `Z`, and offsets `+02`, `+0200`, `+02:00`;
 * `T`, `t` or a space between date and time; a fraction after `.` or `,` (read to the millisecond).
 * JavaScript's `Date.parse` rejects some of these (`+02`, `,5`), so it is never used on input.
 */
export function parseIsoDateTime(s: string): number | null {
  const m = ISO_DATETIME.exec(s);
  if (!m) return null;
  const part = (i: number): number => Number(m[i] ?? 0);
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map(part) as [number, number, number, number, number, number];
  const [offsetHours, offsetMinutes] = [part(9), part(10)];
  // The shape alone would accept 2023-02-29 or 24:61; those are typos or sentinels, not timestamps.
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return null;
  const ms = Number((m[7] ?? '').slice(0, 3).padEnd(3, '0'));
  const offset = (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  date.setUTCFullYear(year);
  return date.getTime() - offset;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function isEmail(s: string): boolean {
  if (s.length > 254) return false;
  const at = s.lastIndexOf('@');
  const local = s.slice(0, at);
  return at > 0 && local.length <= 64 && EMAIL_LOCAL.test(local) && EMAIL_DOMAIN.test(s.slice(at + 1));
}

/** EMAIL and URL are refinements of STRING; the rest are unrelated to each other. */
export const TEXT_TYPES: readonly FieldType[] = ['STRING', 'EMAIL', 'URL'];
const TEXTUAL: ReadonlySet<FieldType | null> = new Set<FieldType | null>(TEXT_TYPES);

/** Whether values of this type are text (compared as text, kept as text when they look like numbers). */
export const isTextType = (type: FieldType | null | undefined): type is 'STRING' | 'EMAIL' | 'URL' => TEXTUAL.has(type ?? null);

/**
 * Join of two observations in the lattice  EMAIL, URL ≤ STRING ≤ MIXED  and  NUMBER, BOOLEAN, DATETIME ≤ MIXED.
 * EMAIL + URL gives STRING (not MIXED): both are still text, and it is what keeps the merge
 * associative — otherwise (EMAIL+URL)+STRING = MIXED but EMAIL+(URL+STRING) = STRING, and a
 * column's type would depend on sample order.
 */
export function mergeTypes(a: FieldType | null, b: FieldType | null): FieldType | null {
  if (a === null) return b;
  if (b === null || a === b) return a;
  if (isTextType(a) && isTextType(b)) return 'STRING';
  return 'MIXED';
}

/** Fold of inferValueType + mergeTypes; null when no sample carries information. */
export function inferType(values: readonly unknown[]): FieldType | null {
  let type: FieldType | null = null;
  for (const value of values) {
    type = mergeTypes(type, inferValueType(value));
    if (type === 'MIXED') break; // absorbing: nothing later can change it
  }
  return type;
}

// ---------------------------------------------------------------------------------------------
// Keys: tokens and labels
// ---------------------------------------------------------------------------------------------

/**
 * Units of work spent by name matching (characters scanned and concatenated): lets a test prove
 * the cost per key grows linearly with its length without timing anything.
 */
const work = { count: 0 };
export function inferenceWork(): number {
  return work.count;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;

/** Character class for splitting: ASCII by code, the rest by Unicode property. */
/** `word`: letters that are neither upper nor lower case (Lt, Lm, Lo), and digits. */
type Kind = 'other' | 'upper' | 'lower' | 'word';

function kindOf(c: string): Kind {
  const code = c.charCodeAt(0);
  if (code < 128) {
    if (code >= 65 && code <= 90) return 'upper';
    if (code >= 97 && code <= 122) return 'lower';
    return code >= 48 && code <= 57 ? 'word' : 'other';
  }
  if (UPPER.test(c)) return 'upper';
  if (LOWER.test(c)) return 'lower';
  return LETTER_OR_DIGIT.test(c) ? 'word' : 'other';
}

/**
 * Words of a key in one pass over its characters (linear in its length, unlike the regular
 * expressions this replaces, which backtracked on long upper-case runs). A word ends at any
 * character that is not a letter or digit, between a lower-case and an upper-case letter
 * (camelCase -> camel Case; digits stay attached: "B2B", "30d"), and before the last capital of
 * an upper-case run followed by a lower-case letter (HTTPStatus -> HTTP Status).
 */
function splitWords(key: string): string[] {
  const chars = [...key];
  work.count += chars.length;
  const kinds = chars.map(kindOf);
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i < chars.length; i++) {
    const kind = kinds[i]!;
    if (kind === 'other') {
      if (start >= 0) words.push(chars.slice(start, i).join(''));
      start = -1;
      continue;
    }
    const previous = kinds[i - 1];
    const boundary = start >= 0 && kind === 'upper' && (previous === 'lower' || (previous === 'upper' && kinds[i + 1] === 'lower'));
    if (boundary) words.push(chars.slice(start, i).join(''));
    if (start < 0 || boundary) start = i;
  }
  if (start >= 0) words.push(chars.slice(start).join(''));
  return words;
}

/** Lower-case words of a key: snake_case, camelCase, kebab-case, dots, spaces and punctuation all split. */
export function keyTokens(key: string): string[] {
  return splitWords(key).map((word) => word.toLowerCase());
}

/**
 * Words that read wrong in Title Case. The brief's list plus AE, FTE, LTV and TZ, which our own
 * semantic rules recognise and which would otherwise render as "Ae Email" or "Ltv".
 */
const ACRONYMS: ReadonlySet<string> = new Set([
  'id',
  'arr',
  'mrr',
  'url',
  'csm',
  'hq',
  'usd',
  'nps',
  'arpu',
  'sla',
  'crm',
  'utm',
  'api',
  'ip',
  'sso',
  'b2b',
  'ae',
  'fte',
  'ltv',
  'tz',
]);

const capitalizeFirstLetter = (s: string): string => s.replace(/\p{L}/u, (c) => c.toUpperCase());

/** Human label for a column key, e.g. acct_seat_count -> "Acct Seat Count", "ARR (USD)" -> "ARR (USD)". */
export function humanLabel(key: string): string {
  const text = key.trim().replace(/\s+/g, ' ');
  if (/[ ()]/.test(text)) {
    // Somebody already wrote a label (a BI alias like "ARR (USD)" or "Number of seats"): keep their
    // wording and casing, only fix acronyms and the first letter.
    const fixed = text.replace(/[\p{L}\p{N}]+/gu, (w) => (ACRONYMS.has(w.toLowerCase()) ? w.toUpperCase() : w));
    return capitalizeFirstLetter(fixed);
  }
  const words = keyTokens(text);
  if (words.length === 0) return text;
  // Lower-casing first is deliberate: Snowflake upper-cases identifiers, and "ACCOUNT_NAME" should read "Account Name".
  return words.map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w.charAt(0).toUpperCase() + w.slice(1))).join(' ');
}

// ---------------------------------------------------------------------------------------------
// Semantic rules
// ---------------------------------------------------------------------------------------------

/**
 * How matching works, and why:
 * - A key matches on whole tokens, so "seasonality", "planet" and "arrival_date" cannot hit SEATS,
 *   PLAN or ARR. Phrases are compared as concatenated runs of tokens, so "first name" also matches
 *   "firstname", "FirstName" and "first_name", and "sign up" matches "signup".
 * - `tail` phrases must END the key (anything may precede them): in English compounds the last
 *   word is the head, so "acct_seat_count" is a seat count while "paid_seats_ratio",
 *   "seat_price" and "created_count" are not seats or creation times.
 * - `exact` phrases must be the whole key; used for words too generic to trust with a prefix
 *   ("tier", "status", "name", "id", "title").
 * - After the phrase, only words in `suffixes` (plus COMMON_SUFFIXES) may follow; they refine the
 *   representation, not the meaning ("country_code", "arr_usd", "created_at", "owner_email").
 * - `types` lists accepted inferred types; an unknown type (null) never vetoes a name.
 * - Rules are tried in order and the first match wins, so more specific meanings come first.
 */
interface Rule {
  readonly semantic: SemanticType;
  readonly types: readonly FieldType[];
  readonly tail?: readonly string[];
  readonly exact?: readonly string[];
  readonly suffixes?: readonly string[];
  readonly objects?: readonly ObjectKind[];
  /** Any of these tokens anywhere in the key rules this meaning out. */
  readonly unless?: readonly string[];
}

const COMMON_SUFFIXES = ['name', 'code', 'iso', 'iso2', 'iso3', 'abbr', 'abbreviation', 'label'];
const TIME_SUFFIXES = ['at', 'date', 'time', 'ts', 'timestamp', 'datetime', 'on', 'utc', 'dt'];
const COUNT_SUFFIXES = ['count', 'total', 'qty', 'quantity'];
const MONEY_SUFFIXES = ['usd', 'eur', 'gbp', 'cad', 'aud', 'amount', 'cents', 'value', 'total'];
/** Words naming the account's owner on our customer's side: an owner's e-mail is not the contact's e-mail. */
const OWNER_WORDS = ['owner', 'manager', 'csm', 'ae', 'rep', 'executive', 'sdr', 'bdr'];
/** A per-unit or averaged figure is a different metric than the quantity itself ("arr_per_seat", "avg_seats"). */
const DERIVED_WORDS = ['per', 'avg', 'average', 'median'];

const TEXT: readonly FieldType[] = ['STRING'];
const NUM: readonly FieldType[] = ['NUMBER'];
const TIME: readonly FieldType[] = ['DATETIME'];
// Ids come as strings, numbers, or both across sources, and some products key users by e-mail.
const ID: readonly FieldType[] = ['STRING', 'NUMBER', 'EMAIL', 'MIXED'];

const RULES: readonly Rule[] = [
  // Ids first: "company_id", "org_id" must not fall through to the company-name rule. "owner_user_id"
  // identifies the rep, not this user; "parent_account_id" is another account.
  { semantic: 'ACCOUNT_ID', types: ID, exact: ['id'], objects: ['ACCOUNT'] },
  { semantic: 'USER_ID', types: ID, exact: ['id'], objects: ['USER'] },
  {
    semantic: 'ACCOUNT_ID',
    types: ID,
    unless: [...OWNER_WORDS, 'parent'],
    tail: ['account id', 'acct id', 'company id', 'org id', 'organization id', 'organisation id', 'customer id', 'tenant id'],
  },
  {
    semantic: 'USER_ID',
    types: ID,
    unless: [...OWNER_WORDS, 'parent'],
    tail: ['user id', 'uid', 'member id', 'contact id', 'person id'],
  },

  // Owner before e-mail and company name: "csm_email", "account_owner", "account_manager".
  {
    semantic: 'OWNER',
    types: ['STRING', 'EMAIL'],
    suffixes: ['email', 'address'],
    tail: ['owner', 'account manager', 'account executive', 'success manager', 'csm', 'ae', 'rep', 'sdr', 'bdr'],
  },
  // A bare "manager" on an account is its account manager; on a user it is their boss.
  { semantic: 'OWNER', types: ['STRING', 'EMAIL'], suffixes: ['email'], exact: ['manager'], objects: ['ACCOUNT'] },

  // Domain before e-mail and website: "email_domain", "website_domain" are domains.
  { semantic: 'DOMAIN', types: ['STRING', 'URL'], tail: ['domain'] },
  { semantic: 'WEBSITE', types: ['URL', 'STRING'], suffixes: ['url', 'link'], tail: ['website', 'homepage', 'company url'] },
  // A bare "url" is only the company's site on an account; on events it is the page, on users an avatar or profile.
  { semantic: 'WEBSITE', types: ['URL'], exact: ['url'], objects: ['ACCOUNT'] },
  { semantic: 'EMAIL', types: ['EMAIL', 'STRING'], suffixes: ['address', 'addr'], tail: ['email'], unless: OWNER_WORDS },
  // "mobile"/"cell" alone only: "mobile_sessions" is a usage metric.
  {
    semantic: 'PHONE',
    types: ['STRING', 'NUMBER'],
    suffixes: ['number', 'no'],
    tail: ['phone', 'telephone', 'mobile number', 'cell number'],
    exact: ['mobile', 'cell', 'tel'],
  },

  { semantic: 'FIRST_NAME', types: TEXT, tail: ['first name', 'given name', 'fname', 'forename'] },
  { semantic: 'LAST_NAME', types: TEXT, tail: ['last name', 'surname', 'family name', 'lname'] },
  // "name"/"display_name" mean the company on an account and the person on a user; on an event, neither.
  { semantic: 'COMPANY_NAME', types: TEXT, exact: ['name', 'display name'], objects: ['ACCOUNT'] },
  { semantic: 'FULL_NAME', types: TEXT, exact: ['name'], objects: ['USER'] },
  {
    semantic: 'COMPANY_NAME',
    types: TEXT,
    exact: ['company', 'account', 'org', 'organization', 'organisation'],
    tail: ['company name', 'account name', 'customer name', 'org name', 'organization name', 'organisation name'],
  },
  { semantic: 'FULL_NAME', types: TEXT, tail: ['full name', 'display name', 'contact name'] },
  // "title" alone is a page title on events.
  { semantic: 'JOB_TITLE', types: TEXT, tail: ['job title'] },
  { semantic: 'JOB_TITLE', types: TEXT, exact: ['title'], objects: ['USER'] },
  { semantic: 'ROLE', types: TEXT, tail: ['role', 'permission level', 'access level'] },

  {
    semantic: 'SEATS',
    types: NUM,
    unless: DERIVED_WORDS,
    suffixes: [...COUNT_SUFFIXES, 'purchased', 'used', 'limit'],
    tail: ['seat', 'seats', 'license', 'licenses', 'licence', 'licences', 'licensed users', 'licensed seats'],
  },
  // Company size often arrives as a bucket ("51-200"), so STRING is fine here.
  {
    semantic: 'EMPLOYEE_COUNT',
    types: ['NUMBER', 'STRING'],
    unless: DERIVED_WORDS,
    suffixes: [...COUNT_SUFFIXES, 'range', 'band', 'bucket', 'estimate'],
    tail: ['employees', 'employee count', 'employee range', 'headcount', 'company size', 'fte', 'ftes'],
  },
  // Recurring revenue before plain revenue: "monthly_recurring_revenue" also ends in "revenue".
  { semantic: 'MRR', types: NUM, unless: DERIVED_WORDS, suffixes: MONEY_SUFFIXES, tail: ['mrr', 'monthly recurring revenue'] },
  { semantic: 'ARR', types: NUM, unless: DERIVED_WORDS, suffixes: MONEY_SUFFIXES, tail: ['arr', 'annual recurring revenue'] },
  {
    semantic: 'REVENUE',
    types: NUM,
    unless: DERIVED_WORDS,
    suffixes: MONEY_SUFFIXES,
    tail: ['revenue', 'ltv', 'lifetime value', 'clv'],
  },

  // "tier" alone is the plan; "support_tier" is not.
  {
    semantic: 'PLAN',
    types: TEXT,
    suffixes: ['tier', 'type', 'level'],
    tail: ['plan', 'edition', 'subscription tier', 'pricing tier', 'product tier'],
    exact: ['tier'],
  },
  { semantic: 'INDUSTRY', types: TEXT, tail: ['industry', 'vertical', 'sector'] },

  { semantic: 'REGION', types: TEXT, tail: ['region', 'geo', 'geography', 'territory'] },
  { semantic: 'COUNTRY', types: TEXT, tail: ['country'] },
  // "state" is also a status word ("account_state", "state_of_mind"): only geographic spellings count.
  {
    semantic: 'STATE',
    types: TEXT,
    exact: ['state', 'state province', 'state or province'],
    tail: ['province', 'billing state', 'shipping state', 'mailing state', 'hq state', 'home state', 'us state'],
  },
  { semantic: 'CITY', types: TEXT, tail: ['city'] },
  // Offsets in hours are numeric and still a timezone.
  { semantic: 'TIMEZONE', types: ['STRING', 'NUMBER'], suffixes: ['offset'], tail: ['timezone', 'tz'] },

  // Before lifecycle: "health_status" is a health signal.
  {
    semantic: 'HEALTH_SCORE',
    types: ['NUMBER', 'STRING'],
    suffixes: ['score', 'rating', 'status', 'level', 'grade'],
    tail: ['health', 'churn risk', 'nps', 'net promoter'],
  },
  // "status"/"stage" on an event is the outcome of that event, not a customer's lifecycle.
  {
    semantic: 'LIFECYCLE_STAGE',
    types: TEXT,
    objects: ['ACCOUNT', 'USER'],
    suffixes: ['stage', 'status'],
    tail: ['lifecycle', 'customer status', 'account status', 'subscription status', 'customer stage'],
    exact: ['status', 'stage'],
  },

  // Time-ish names only with timestamps: "trial_end_count" or an epoch number is not a date we can show.
  {
    semantic: 'TRIAL_ENDS_AT',
    types: TIME,
    suffixes: TIME_SUFFIXES,
    tail: ['trial end', 'trial ends', 'trial ended', 'trial expiration', 'trial expires', 'trial expiry'],
  },
  {
    semantic: 'RENEWAL_DATE',
    types: TIME,
    suffixes: TIME_SUFFIXES,
    tail: ['renewal', 'renews', 'renew', 'contract end', 'contract ends', 'contract expiration', 'subscription end', 'subscription ends'],
  },
  {
    semantic: 'LAST_SEEN_AT',
    types: TIME,
    suffixes: TIME_SUFFIXES,
    tail: ['last seen', 'last active', 'last activity', 'last login', 'last logged in', 'last sign in', 'last visit', 'last visited'],
  },
  {
    semantic: 'UPDATED_AT',
    types: TIME,
    suffixes: TIME_SUFFIXES,
    tail: ['updated', 'modified', 'date updated', 'date modified'],
  },
  {
    semantic: 'CREATED_AT',
    types: TIME,
    suffixes: TIME_SUFFIXES,
    tail: ['created', 'date created', 'creation', 'sign up', 'signed up', 'registered', 'registration'],
  },
];

interface CompiledRule {
  readonly semantic: SemanticType;
  readonly types: ReadonlySet<FieldType>;
  readonly tail: ReadonlySet<string>;
  readonly exact: ReadonlySet<string>;
  readonly suffixes: ReadonlySet<string>;
  readonly objects: ReadonlySet<ObjectKind> | null;
  readonly unless: ReadonlySet<string>;
  /** Longest `tail` / `exact` phrase (compacted): longer runs of tokens cannot match, so they are never built. */
  readonly longestTail: number;
  readonly longestExact: number;
}

const compact = (phrase: string): string => keyTokens(phrase).join('');
const longest = (phrases: ReadonlySet<string>): number => Math.max(0, ...[...phrases].map((p) => p.length));

const COMPILED: readonly CompiledRule[] = RULES.map((rule) => {
  const tail = new Set((rule.tail ?? []).map(compact));
  const exact = new Set((rule.exact ?? []).map(compact));
  return {
    semantic: rule.semantic,
    types: new Set(rule.types),
    tail,
    exact,
    suffixes: new Set([...COMMON_SUFFIXES, ...(rule.suffixes ?? [])]),
    objects: rule.objects ? new Set(rule.objects) : null,
    unless: new Set(rule.unless ?? []),
    longestTail: longest(tail),
    longestExact: longest(exact),
  };
});

/**
 * Suffix words peeled off the end of a key at most ("owner_email_address_label" has three). Without
 * a bound, a key made of allowed suffixes ("k0001IsoIsoIso…", 42 tokens) was peeled to its start
 * and every contiguous run of its tokens was built for every rule: cubic, ~8 ms per 128 characters.
 */
const MAX_SUFFIX_WORDS = 4;
/** Longest phrase of any rule (compacted): longer runs of tokens cannot match, so they are never built. */
const LONGEST_PHRASE = Math.max(...COMPILED.map((rule) => Math.max(rule.longestTail, rule.longestExact)));

/** What rules are matched against, built once per key: its tokens and the candidate phrases. */
interface KeyShape {
  tokens: readonly string[];
  tokenSet: ReadonlySet<string>;
  /** From the last token back, one entry per head the peeling may test (at most MAX_SUFFIX_WORDS + 1). */
  heads: ReadonlyArray<{
    /** The last token of this head. */
    last: string;
    /** The whole head compacted, when short enough to equal a phrase. */
    whole: string | undefined;
    /** Compacted runs of tokens ending the head, shortest first, none longer than LONGEST_PHRASE. */
    phrases: readonly string[];
  }>;
}

function keyShape(tokens: readonly string[]): KeyShape {
  const heads: Array<KeyShape['heads'][number]> = [];
  const lengths = [0];
  for (const token of tokens) lengths.push(lengths[lengths.length - 1]! + token.length);
  for (let end = tokens.length; end > 0 && heads.length <= MAX_SUFFIX_WORDS; end--) {
    const phrases: string[] = [];
    let phrase = '';
    for (let start = end - 1; start >= 0; start--) {
      phrase = tokens[start]! + phrase;
      work.count += phrase.length;
      if (phrase.length > LONGEST_PHRASE) break;
      phrases.push(phrase);
    }
    const whole = lengths[end]! <= LONGEST_PHRASE ? tokens.slice(0, end).join('') : undefined;
    heads.push({ last: tokens[end - 1]!, whole, phrases });
  }
  return { tokens, tokenSet: new Set(tokens), heads };
}

/** Peel allowed suffix words off the end one at a time, testing the remaining head at each step. */
function nameMatches(rule: CompiledRule, shape: KeyShape): boolean {
  for (const head of shape.heads) {
    work.count += head.phrases.length + 1;
    if (head.whole !== undefined && rule.exact.has(head.whole)) return true;
    for (const phrase of head.phrases) if (rule.tail.has(phrase)) return true;
    if (!rule.suffixes.has(head.last)) return false;
  }
  return false;
}

const OWNER_WORD_SET: ReadonlySet<string> = new Set(OWNER_WORDS);

/** Distinct (key, type, object) answers kept; past it the oldest is forgotten. */
const SEMANTIC_CACHE_SIZE = 10_000;
const semanticCache = new Map<string, SemanticType | null>();

/**
 * Business meaning of a warehouse column from its name (type breaks ties), or null when nothing
 * fits confidently. Answers are cached (bounded, least recently used first out): the same keys
 * arrive with every batch of a sync.
 */
export function inferSemantic(key: string, type: FieldType | null, object: ObjectKind): SemanticType | null {
  const cacheKey = `${object}\u0000${type ?? ''}\u0000${key}`;
  const cached = semanticCache.get(cacheKey);
  if (cached !== undefined) {
    semanticCache.delete(cacheKey);
    semanticCache.set(cacheKey, cached);
    return cached;
  }
  const semantic = matchSemantic(key, type, object);
  if (semanticCache.size >= SEMANTIC_CACHE_SIZE) semanticCache.delete(semanticCache.keys().next().value!);
  semanticCache.set(cacheKey, semantic);
  return semantic;
}

/** Entries in the cache of `inferSemantic` (tests). */
export function semanticCacheSize(): number {
  return semanticCache.size;
}

function matchSemantic(key: string, type: FieldType | null, object: ObjectKind): SemanticType | null {
  const tokens = keyTokens(key);
  if (tokens.length === 0) return null;
  const shape = keyShape(tokens);
  for (const rule of COMPILED) {
    if (type !== null && !rule.types.has(type)) continue;
    if (rule.objects && !rule.objects.has(object)) continue;
    if (rule.unless.size > 0 && [...rule.unless].some((t) => shape.tokenSet.has(t))) continue;
    if (nameMatches(rule, shape)) return rule.semantic;
  }
  // Values that are all e-mail addresses are someone's e-mail whatever the column is called
  // ("billing_contact"), unless the name says whose: an owner's or a manager's.
  if (type === 'EMAIL' && !tokens.some((t) => OWNER_WORD_SET.has(t))) return 'EMAIL';
  return null;
}
