import type { FieldType, ObjectKind, SemanticType } from './inference.ts';
import { expandAbbreviation, keyTokens, spendWork, withoutCrmDecorations, wordSegmenter } from './tokens.ts';

// Semantic rules: a column's business meaning from the words of its name and its value type.

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
    // "OwnerId", "hubspot_owner_id": the owner's user id in the CRM still names the owner.
    suffixes: ['email', 'address', 'id'],
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
  // ACV (annual contract value) is how sales teams spell ARR per account.
  {
    semantic: 'ARR',
    types: NUM,
    unless: DERIVED_WORDS,
    suffixes: MONEY_SUFFIXES,
    tail: ['arr', 'annual recurring revenue', 'acv', 'annual contract value'],
  },
  {
    semantic: 'REVENUE',
    types: NUM,
    unless: DERIVED_WORDS,
    suffixes: MONEY_SUFFIXES,
    tail: ['revenue', 'ltv', 'lifetime value', 'clv', 'contract value', 'tcv'],
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
    // HubSpot's "createdate"; "customer since" dates the account's start as a customer.
    tail: [
      'created',
      'create',
      'date created',
      'creation',
      'sign up',
      'signed up',
      'registered',
      'registration',
      'customer since',
      'client since',
    ],
  },
];

/**
 * Words that run-together lower-case keys are split into, besides the words of the rules above:
 * HubSpot's internal names ("numberofemployees", "lastmodifieddate", "hubspot_owner_id") and
 * marts' compounds. Words of two letters are left out (except a few function words), so that
 * no stray pair of letters can complete a split.
 */
const BUSINESS_WORDS = [
  ...['of', 'in', 'on', 'at', 'up', 'by', 'to', 'id'],
  ...['number', 'total', 'annual', 'monthly', 'recurring', 'lifetime', 'value', 'amount', 'count', 'quantity', 'price'],
  ...['employee', 'employees', 'seat', 'seats', 'license', 'licenses', 'licensed', 'paid', 'purchased', 'used', 'users'],
  ...['create', 'close', 'closed', 'date', 'time', 'stamp', 'timestamp', 'last', 'first', 'next', 'recent', 'since'],
  ...['modified', 'updated', 'created', 'start', 'end', 'renewal', 'contract', 'subscription', 'trial', 'expiration'],
  ...['customer', 'client', 'account', 'company', 'contact', 'user', 'owner', 'hubspot', 'associated', 'parent', 'primary'],
  ...['job', 'title', 'first', 'name', 'mobile', 'phone', 'email', 'address', 'website', 'domain', 'postal', 'zip'],
  ...['life', 'cycle', 'lifecycle', 'stage', 'status', 'lead', 'source', 'analytics', 'visit', 'visits', 'activity'],
  ...['deal', 'deals', 'notes', 'open', 'opened', 'plan', 'tier', 'type', 'zone', 'billing', 'shipping', 'mailing'],
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
      spendWork(phrase.length);
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
    spendWork(head.phrases.length + 1);
    if (head.whole !== undefined && rule.exact.has(head.whole)) return true;
    for (const phrase of head.phrases) if (rule.tail.has(phrase)) return true;
    if (!rule.suffixes.has(head.last)) return false;
  }
  return false;
}

const OWNER_WORD_SET: ReadonlySet<string> = new Set(OWNER_WORDS);

/** The split words may come from: every word of the rules (longer than two letters) and the business words. */
const VOCABULARY: ReadonlySet<string> = new Set([
  ...RULES.flatMap((rule) => [...(rule.tail ?? []), ...(rule.exact ?? []), ...(rule.suffixes ?? [])])
    .concat(COMMON_SUFFIXES, TIME_SUFFIXES, COUNT_SUFFIXES, MONEY_SUFFIXES)
    .flatMap((phrase) => phrase.split(' '))
    .filter((word) => word.length > 2),
  ...BUSINESS_WORDS,
]);
const segment = wordSegmenter(VOCABULARY);

/**
 * The words a key's meaning is read from: its words (`keyTokens`) without the decorations of CRM
 * exports (`Licenses__c`, `hs_…`, `property_…`), mart abbreviations expanded (`acct_created_dt` ->
 * account created date) and run-together words split against the vocabulary (`numberoflicenses`
 * -> number of licenses). Linear in the key's length: one pass, and the segmenter's bounded walk.
 */
export function meaningTokens(key: string): string[] {
  const words: string[] = [];
  for (const token of withoutCrmDecorations(keyTokens(key))) {
    const expanded = expandAbbreviation(token);
    const split = expanded === token && !VOCABULARY.has(token) ? segment(token) : null;
    if (split) words.push(...split);
    else words.push(expanded);
  }
  return words;
}

/** What decided an inferred meaning: the key's words, or its values (all e-mail addresses, say) when the key says nothing. */
export type InferenceEvidence = 'NAME' | 'VALUES';

interface Inferred {
  semantic: SemanticType;
  evidence: InferenceEvidence;
}

/** Distinct (key, type, object) answers kept; past it the oldest is forgotten. */
const SEMANTIC_CACHE_SIZE = 10_000;
const semanticCache = new Map<string, Inferred | null>();

/**
 * Business meaning of a warehouse column from its name (type breaks ties), or null when nothing
 * fits confidently. Answers are cached (bounded, least recently used first out): the same keys
 * arrive with every batch of a sync.
 */
export function inferSemantic(key: string, type: FieldType | null, object: ObjectKind): SemanticType | null {
  return inferMeaning(key, type, object)?.semantic ?? null;
}

/** `inferSemantic` with what decided it. */
export function inferMeaning(key: string, type: FieldType | null, object: ObjectKind): Inferred | null {
  const cacheKey = `${object}\u0000${type ?? ''}\u0000${key}`;
  const cached = semanticCache.get(cacheKey);
  if (cached !== undefined) {
    semanticCache.delete(cacheKey);
    semanticCache.set(cacheKey, cached);
    return cached;
  }
  const inferred = matchSemantic(key, type, object);
  if (semanticCache.size >= SEMANTIC_CACHE_SIZE) semanticCache.delete(semanticCache.keys().next().value!);
  semanticCache.set(cacheKey, inferred);
  return inferred;
}

/** Entries in the cache of `inferSemantic` (tests). */
export function semanticCacheSize(): number {
  return semanticCache.size;
}

function matchSemantic(key: string, type: FieldType | null, object: ObjectKind): Inferred | null {
  const tokens = meaningTokens(key);
  if (tokens.length === 0) return null;
  const shape = keyShape(tokens);
  for (const rule of COMPILED) {
    if (type !== null && !rule.types.has(type)) continue;
    if (rule.objects && !rule.objects.has(object)) continue;
    if (rule.unless.size > 0 && [...rule.unless].some((t) => shape.tokenSet.has(t))) continue;
    if (nameMatches(rule, shape)) return { semantic: rule.semantic, evidence: 'NAME' };
  }
  // Values that are all e-mail addresses are someone's e-mail whatever the column is called
  // ("billing_contact"), unless the name says whose: an owner's or a manager's.
  if (type === 'EMAIL' && !tokens.some((t) => OWNER_WORD_SET.has(t))) return { semantic: 'EMAIL', evidence: 'VALUES' };
  return null;
}
