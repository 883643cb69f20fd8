/**
 * Deterministic synthetic workspace generator shared by the benchmark (`npm run bench`) and the
 * demo (`npm run demo`).
 *
 * It produces the Accounts, Users and Events a customer's warehouse would send through Hightouch,
 * as flat records keyed by REST (snake_case) field ids.
 *
 * Guarantees:
 * - Pure and dependency free: no I/O, no `Math.random`, no clock. The time anchor is `now`.
 * - Deterministic: the same seed, scale, `now` and `days` give byte-identical output.
 * - Streaming: every generator yields one record at a time; nothing scales with the event count
 *   in memory (the event timeline keeps one small counter per hour of the window).
 * - Referential integrity: every user's `account_id` is an account of `generateAccounts` for the
 *   same options; every event's `user_id` is a user of `generateUsers`, and a non-null event
 *   `account_id` is that user's account.
 * - Events are yielded in chronological order, with timestamps in `[now - days, now]`.
 *
 * Per-record randomness comes from a hash of (seed, stream, index), so any single account or user
 * can be derived in O(1) without generating the others: that is how events know each user's
 * account and sign-up time without holding the user table in memory.
 */

export interface Scale {
  accounts: number;
  users: number;
  events: number;
}

export const PRESETS: { small: Scale; default: Scale; wide: Scale; large: Scale } = Object.freeze({
  small: Object.freeze({ accounts: 50, users: 400, events: 5_000 }),
  default: Object.freeze({ accounts: 2_000, users: 20_000, events: 200_000 }),
  /** The default's events over 10× the accounts and users: how reads grow with records, not history. */
  wide: Object.freeze({ accounts: 20_000, users: 200_000, events: 200_000 }),
  large: Object.freeze({ accounts: 100_000, users: 1_000_000, events: 10_000_000 }),
});

export interface GeneratorOptions {
  /** Any safe integer. */
  seed: number;
  scale: Scale;
  /** Time anchor: nothing is dated later than this instant. */
  now: Date;
  /** Length of the event window before `now`, in days (default 180). */
  days?: number;
}

export type AccountRecord = Record<string, string | number | boolean | null>;
export type UserRecord = Record<string, string | number | boolean | null>;
export type EventRecord = Record<string, string | number | boolean | null>;

/** The event vocabulary, dominant ones first (sampled with a Zipf-like skew in this order). */
export const EVENT_NAMES: readonly string[] = Object.freeze([
  'Signed In',
  'Viewed Page',
  'Created Report',
  'Ran Query',
  'Invited User',
  'Exported Data',
  'Shared Dashboard',
  'Updated Settings',
  'Uploaded File',
  'Commented',
  'Opened Ticket',
  'Upgraded Plan',
]);

// ---------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------

const SECOND_MS = 1_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;
const ACCOUNT_HISTORY_MS = 3 * YEAR_MS;
const DEFAULT_DAYS = 180;
/** Multiplications in the index permutations must stay exact in doubles (n² < 2^53). */
const MAX_ENTITIES = 90_000_000;

const NULL_RATE = 0.03;
const USERS_WITHOUT_ACCOUNT = 0.02;
const EVENTS_WITHOUT_ACCOUNT = 0.1;
/** Zipf-like exponents: users over accounts, events over users, events over names. */
const ACCOUNT_SKEW = 0.75;
const USER_ACTIVITY_SKEW = 0.6;
const EVENT_NAME_SKEW = 1.1;
/** Sampling attempts to find a user who already existed at the event's time. */
const MAX_USER_ATTEMPTS = 32;

// Stream salts: each kind of randomness gets its own hash stream.
const S_ACCOUNT = 0x1a2b3c01;
const S_ACCOUNT_CREATED = 0x1a2b3c02;
const S_ACCOUNT_TLD = 0x1a2b3c03;
const S_ACCOUNT_PERM = 0x1a2b3c04;
const S_COMPANY_PERM = 0x1a2b3c05;
const S_USER = 0x2b3c4d01;
const S_USER_NO_ACCOUNT = 0x2b3c4d02;
const S_USER_ACCOUNT = 0x2b3c4d03;
const S_USER_CREATED = 0x2b3c4d04;
const S_USER_PERM = 0x2b3c4d05;
const S_NAME_PERM = 0x2b3c4d06;
const S_EVENTS = 0x3c4d5e01;
const S_DAY_NOISE = 0x3c4d5e02;

// ---------------------------------------------------------------------------------------------
// Vocabularies
// ---------------------------------------------------------------------------------------------

const COMPANY_PREFIXES = [
  'Nova',
  'Blue',
  'Bright',
  'Cedar',
  'Clear',
  'Cloud',
  'Cobalt',
  'Core',
  'Data',
  'Delta',
  'Echo',
  'Ever',
  'Flux',
  'Fort',
  'Giga',
  'Green',
  'Harbor',
  'Helio',
  'Hyper',
  'Iron',
  'Jade',
  'Kilo',
  'Lumen',
  'Meta',
  'North',
  'Oak',
  'Omni',
  'Open',
  'Orbit',
  'Peak',
  'Pixel',
  'Prime',
  'Quant',
  'Red',
  'River',
  'Sky',
  'Signal',
  'Silver',
  'Solar',
  'Stone',
  'Summit',
  'Swift',
  'Terra',
  'True',
  'Vector',
  'Velo',
  'Wave',
  'Zen',
] as const;
const COMPANY_CORES = [
  'byte',
  'stack',
  'flow',
  'loop',
  'path',
  'gate',
  'scale',
  'point',
  'ware',
  'forge',
  'light',
  'line',
  'mark',
  'mind',
  'net',
  'ship',
  'shift',
  'spark',
  'sphere',
  'stream',
  'tide',
  'track',
  'verse',
  'works',
  'bridge',
  'craft',
  'base',
  'field',
  'grid',
  'hub',
  'logic',
  'yard',
] as const;
/** Company name tails, with the industry they suggest (if any). */
const COMPANY_TAILS: readonly (readonly [string, string | null])[] = [
  ['Labs', 'Software'],
  ['Systems', null],
  ['Analytics', 'Software'],
  ['Software', 'Software'],
  ['Technologies', null],
  ['Health', 'Healthcare'],
  ['Capital', 'Financial Services'],
  ['Commerce', 'E-commerce'],
  ['Media', 'Media & Entertainment'],
  ['Logistics', 'Logistics'],
  ['Robotics', 'Manufacturing'],
  ['Security', 'Software'],
  ['Cloud', 'Software'],
  ['AI', 'Software'],
  ['Networks', null],
  ['Solutions', null],
  ['Partners', null],
  ['Studios', 'Media & Entertainment'],
  ['Energy', 'Manufacturing'],
  ['Learning', 'Education'],
  ['Bio', 'Healthcare'],
  ['Dynamics', null],
  ['Industries', 'Manufacturing'],
  ['Ventures', 'Financial Services'],
];
const COMPANY_COMBOS = COMPANY_PREFIXES.length * COMPANY_CORES.length * COMPANY_TAILS.length;

const INDUSTRIES = table([
  ['Software', 28],
  ['Financial Services', 14],
  ['E-commerce', 12],
  ['Healthcare', 9],
  ['Media & Entertainment', 8],
  ['Education', 7],
  ['Manufacturing', 6],
  ['Logistics', 6],
  ['Real Estate', 5],
  ['Non-profit', 5],
]);

const REGIONS = table([
  ['NA', 45],
  ['EMEA', 30],
  ['APAC', 17],
  ['LATAM', 8],
]);
const COUNTRIES: Readonly<Record<string, WeightedTable<string>>> = {
  NA: table([
    ['United States', 85],
    ['Canada', 15],
  ]),
  EMEA: table([
    ['United Kingdom', 28],
    ['Germany', 22],
    ['France', 15],
    ['Netherlands', 10],
    ['Spain', 7],
    ['Sweden', 6],
    ['Israel', 6],
    ['United Arab Emirates', 6],
  ]),
  APAC: table([
    ['Australia', 28],
    ['Japan', 22],
    ['India', 22],
    ['Singapore', 16],
    ['South Korea', 12],
  ]),
  LATAM: table([
    ['Brazil', 45],
    ['Mexico', 30],
    ['Colombia', 13],
    ['Argentina', 12],
  ]),
};

const TLDS = table([
  ['.com', 60],
  ['.io', 25],
  ['.co', 15],
]);

type Plan = 'free' | 'starter' | 'pro' | 'enterprise';
/** Plan mix by company size (employee count upper bound). */
const PLAN_BY_SIZE: readonly (readonly [number, WeightedTable<Plan>])[] = [
  [
    20,
    table<Plan>([
      ['free', 62],
      ['starter', 30],
      ['pro', 7],
      ['enterprise', 1],
    ]),
  ],
  [
    200,
    table<Plan>([
      ['free', 40],
      ['starter', 35],
      ['pro', 20],
      ['enterprise', 5],
    ]),
  ],
  [
    2_000,
    table<Plan>([
      ['free', 20],
      ['starter', 30],
      ['pro', 32],
      ['enterprise', 18],
    ]),
  ],
  [
    Number.POSITIVE_INFINITY,
    table<Plan>([
      ['free', 8],
      ['starter', 17],
      ['pro', 35],
      ['enterprise', 40],
    ]),
  ],
];
const SEAT_CAP: Readonly<Record<Plan, number>> = { free: 10, starter: 50, pro: 500, enterprise: 1e9 };
const NEXT_PLAN: Readonly<Record<Plan, Plan>> = {
  free: 'starter',
  starter: 'pro',
  pro: 'enterprise',
  enterprise: 'enterprise',
};
const SEAT_PRICE: Readonly<Record<Plan, number>> = { free: 0, starter: 12, pro: 39, enterprise: 79 };
const PLATFORM_FEE: Readonly<Record<Plan, number>> = { free: 0, starter: 0, pro: 99, enterprise: 1_200 };

/** Among accounts older than 60 days (enterprise accounts churn less). */
const CHURNED_RATE = 0.07;
const CHURN_RISK_RATE = 0.13;
/** Health score mean and standard deviation by lifecycle stage. */
const HEALTH_BY_STAGE: Readonly<Record<string, readonly [number, number]>> = {
  trial: [50, 18],
  onboarding: [62, 14],
  active: [76, 11],
  churn_risk: [38, 10],
  churned: [12, 8],
};

const CSM_EMAILS = [
  'sarah.chen@csm.plg.example',
  'marcus.johnson@csm.plg.example',
  'priya.patel@csm.plg.example',
  'lukas.weber@csm.plg.example',
  'ana.souza@csm.plg.example',
  'kenji.tanaka@csm.plg.example',
] as const;

const FIRST_NAMES = [
  'James',
  'Mary',
  'John',
  'Patricia',
  'Robert',
  'Jennifer',
  'Michael',
  'Linda',
  'David',
  'Elizabeth',
  'William',
  'Barbara',
  'Richard',
  'Susan',
  'Joseph',
  'Jessica',
  'Thomas',
  'Sarah',
  'Charles',
  'Karen',
  'Daniel',
  'Lisa',
  'Matthew',
  'Nancy',
  'Anthony',
  'Sandra',
  'Mark',
  'Ashley',
  'Steven',
  'Emily',
  'Paul',
  'Michelle',
  'Andrew',
  'Amanda',
  'Joshua',
  'Melissa',
  'Kevin',
  'Stephanie',
  'Brian',
  'Rebecca',
  'Wei',
  'Mei',
  'Hiroshi',
  'Yuki',
  'Arjun',
  'Priya',
  'Rahul',
  'Ananya',
  'Mohammed',
  'Fatima',
  'Omar',
  'Layla',
  'Lukas',
  'Hannah',
  'Jonas',
  'Lena',
  'Pierre',
  'Camille',
  'Louis',
  'Chloe',
  'Mateo',
  'Sofia',
  'Diego',
  'Valentina',
  'Lucas',
  'Isabela',
  'Gabriel',
  'Beatriz',
  'Oliver',
  'Amelia',
  'Noah',
  'Ava',
  'Liam',
  'Mia',
  'Ethan',
  'Zoe',
  'Minjun',
  'Seoyeon',
  'Jiho',
  'Haruto',
  'Sakura',
  'Ravi',
  'Deepa',
  'Tomasz',
  'Agnieszka',
  'Erik',
  'Astrid',
  'Sven',
  'Ingrid',
  'Noam',
  'Tamar',
  'Kwame',
  'Amara',
  'Chidi',
  'Ngozi',
  'Santiago',
  'Camila',
  'Alejandro',
  'Lucia',
  'Marco',
] as const;
const LAST_NAMES = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Perez',
  'Thompson',
  'White',
  'Harris',
  'Sanchez',
  'Clark',
  'Ramirez',
  'Lewis',
  'Robinson',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Scott',
  'Torres',
  'Nguyen',
  'Hill',
  'Flores',
  'Green',
  'Adams',
  'Nelson',
  'Baker',
  'Hall',
  'Rivera',
  'Campbell',
  'Mitchell',
  'Carter',
  'Roberts',
  'Chen',
  'Wang',
  'Zhang',
  'Li',
  'Liu',
  'Tanaka',
  'Suzuki',
  'Sato',
  'Kim',
  'Park',
  'Choi',
  'Patel',
  'Sharma',
  'Singh',
  'Gupta',
  'Khan',
  'Ali',
  'Hassan',
  'Mueller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Dubois',
  'Moreau',
  'Laurent',
  'Rossi',
  'Russo',
  'Ferrari',
  'Silva',
  'Santos',
  'Oliveira',
  'Souza',
  'Costa',
  'Novak',
  'Kowalski',
  'Nowak',
  'Jansen',
  'DeVries',
  'Andersson',
  'Johansson',
  'Larsen',
  'Cohen',
  'Levi',
  'Okafor',
  'Mensah',
  'Diaz',
  'Morales',
  'Ortiz',
  'Murphy',
] as const;
const NAME_COMBOS = FIRST_NAMES.length * LAST_NAMES.length;
const FREE_MAIL_DOMAINS = ['gmail.com', 'outlook.com', 'yahoo.com', 'proton.me'] as const;

/** Departments with their job titles (most common title first). */
const DEPARTMENTS: WeightedTable<readonly [string, WeightedTable<string>]> = table([
  [
    [
      'Engineering',
      titles(['Software Engineer', 'Senior Software Engineer', 'Staff Engineer', 'Engineering Manager', 'VP of Engineering']),
    ],
    24,
  ],
  [['Data', titles(['Data Analyst', 'Data Engineer', 'Analytics Engineer', 'Data Scientist', 'Head of Data'])], 16],
  [['Product', titles(['Product Manager', 'Senior Product Manager', 'Product Analyst', 'Director of Product', 'VP of Product'])], 12],
  [['Sales', titles(['Account Executive', 'Sales Development Rep', 'Sales Manager', 'Sales Operations Manager', 'VP of Sales'])], 12],
  [['Marketing', titles(['Marketing Manager', 'Growth Marketer', 'Content Strategist', 'Marketing Operations Manager', 'CMO'])], 10],
  [
    [
      'Customer Success',
      titles([
        'Customer Success Manager',
        'Support Engineer',
        'Solutions Consultant',
        'Head of Customer Success',
        'VP of Customer Success',
      ]),
    ],
    9,
  ],
  [['Operations', titles(['Operations Analyst', 'Business Operations Manager', 'RevOps Analyst', 'Chief of Staff', 'COO'])], 7],
  [['Finance', titles(['Financial Analyst', 'Controller', 'FP&A Manager', 'Finance Director', 'CFO'])], 4],
  [['Design', titles(['Product Designer', 'Senior Product Designer', 'UX Researcher', 'Design Manager', 'Head of Design'])], 4],
  [['People', titles(['Recruiter', 'People Partner', 'People Operations Manager', 'Head of People', 'CHRO'])], 2],
]);

type Role = 'admin' | 'member' | 'viewer';
const ROLES = table<Role>([
  ['admin', 10],
  ['member', 65],
  ['viewer', 25],
]);
const CHAMPION_RATE: Readonly<Record<Role, number>> = { admin: 0.25, member: 0.05, viewer: 0.01 };

const SOURCES = table([
  ['web', 68],
  ['api', 20],
  ['mobile', 12],
]);
const SOURCE_RATE = 0.7;

/** Relative activity by UTC day of week (0 = Sunday). */
const WEEKDAY_WEIGHT = [0.3, 1.0, 1.05, 1.05, 1.0, 0.85, 0.28] as const;
/** Relative activity by local hour of day for an office worker. */
const LOCAL_HOUR_WEIGHT = [
  0.06, 0.05, 0.05, 0.05, 0.05, 0.07, 0.12, 0.3, 0.7, 1.0, 1.0, 1.0, 0.8, 1.0, 1.0, 1.0, 0.95, 0.7, 0.45, 0.32, 0.3, 0.25, 0.15, 0.1,
] as const;
/** Region shares with a representative UTC offset, blended into one UTC hour-of-day curve. */
const REGION_UTC_OFFSETS: readonly (readonly [number, number])[] = [
  [-6, 0.45],
  [1, 0.3],
  [8, 0.17],
  [-3, 0.08],
];
const UTC_HOUR_WEIGHT: readonly number[] = Array.from({ length: 24 }, (_, utcHour) => {
  let w = 0;
  for (const [offset, share] of REGION_UTC_OFFSETS) {
    w += share * at(LOCAL_HOUR_WEIGHT, (((utcHour + offset) % 24) + 24) % 24);
  }
  return w;
});
/** Activity grows linearly across the window: `GROWTH_START` at the start, 1 + … at the end. */
const GROWTH_START = 0.8;
const GROWTH_END = 1.2;
const SPIKE_DAY_RATE = 0.03;

const EVENT_NAME_CDF: Float64Array = (() => {
  const cdf = new Float64Array(EVENT_NAMES.length);
  let total = 0;
  for (let i = 0; i < EVENT_NAMES.length; i++) {
    // Zipf over the vocabulary, with commercial events (tickets, upgrades) rarer still.
    const rarity = EVENT_NAMES[i] === 'Upgraded Plan' ? 0.1 : EVENT_NAMES[i] === 'Opened Ticket' ? 0.5 : 1;
    total += rarity / (i + 1) ** EVENT_NAME_SKEW;
    cdf[i] = total;
  }
  for (let i = 0; i < cdf.length; i++) cdf[i] = (cdf[i] as number) / total;
  return cdf;
})();
const IDX_VIEWED_PAGE = EVENT_NAMES.indexOf('Viewed Page');
const IDX_RAN_QUERY = EVENT_NAMES.indexOf('Ran Query');
const IDX_EXPORTED_DATA = EVENT_NAMES.indexOf('Exported Data');
const IDX_UPGRADED_PLAN = EVENT_NAMES.indexOf('Upgraded Plan');

/** "00".."99" and "000".."999" for cheap timestamp formatting. */
const PAD2: readonly string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const PAD3: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

// ---------------------------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------------------------

type Rng = () => number;

/** murmur3 finalizer: a bijective 32-bit mix. */
function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of (seed key, stream salt, index); bijective in `index` for a fixed key and salt. */
function hash3(key: number, salt: number, index: number): number {
  return mix32(mix32(mix32(key ^ 0x9e3779b9) ^ salt) + index);
}

/** Uniform in [0, 1) from a 32-bit hash. */
function unit(h: number): number {
  return h / 4294967296;
}

/** mulberry32: tiny, fast, good enough for synthetic data. Returns uniforms in [0, 1). */
function mulberry32(seed: number): Rng {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal (Box–Muller). */
function normal(r: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

function logNormal(r: Rng, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(r));
}

interface WeightedTable<T> {
  readonly values: readonly T[];
  readonly cdf: Float64Array;
}

function table<T>(entries: readonly (readonly [T, number])[]): WeightedTable<T> {
  const cdf = new Float64Array(entries.length);
  let total = 0;
  entries.forEach(([, w], i) => {
    total += w;
    cdf[i] = total;
  });
  for (let i = 0; i < cdf.length; i++) cdf[i] = (cdf[i] as number) / total;
  return { values: entries.map(([v]) => v), cdf };
}

function titles(names: readonly string[]): WeightedTable<string> {
  // The first titles are the common ones; leadership titles are rare.
  const weights = [40, 28, 16, 11, 5];
  return table(names.map((n, i) => [n, weights[i] ?? 5] as const));
}

function pickIndex(cdf: Float64Array, u: number): number {
  const last = cdf.length - 1;
  for (let i = 0; i < last; i++) {
    if (u < (cdf[i] as number)) return i;
  }
  return last;
}

function pick<T>(t: WeightedTable<T>, u: number): T {
  return t.values[pickIndex(t.cdf, u)] as T;
}

function at<T>(items: readonly T[], i: number): T {
  return items[i] as T;
}

/**
 * Zipf-like rank in [0, n): a continuous power law with density ∝ x^-s on [1, n + 1), so rank 0 is
 * the most likely. `span` = (n + 1)^(1 - s) - 1 and `inv` = 1 / (1 - s) are precomputed.
 */
interface PowerLaw {
  readonly n: number;
  readonly span: number;
  readonly inv: number;
}

function powerLaw(n: number, s: number): PowerLaw {
  const a = 1 - s;
  return { n, span: (n + 1) ** a - 1, inv: 1 / a };
}

function powerLawRank(p: PowerLaw, u: number): number {
  const rank = Math.floor((1 + u * p.span) ** p.inv) - 1;
  return rank < 0 ? 0 : rank >= p.n ? p.n - 1 : rank;
}

/** An affine permutation of [0, n): i -> (i * mul + add) mod n, with its inverse. */
interface Perm {
  readonly n: number;
  readonly mul: number;
  readonly add: number;
  readonly inv: number;
}

function makePerm(n: number, h: number): Perm {
  if (n <= 2) return { n, mul: 1, add: 0, inv: 1 };
  let mul = 1 + Math.floor(n * (0.3 + 0.4 * unit(h)));
  while (gcd(mul, n) !== 1) mul = mul + 1 >= n ? 1 : mul + 1;
  return { n, mul, add: mix32(h) % n, inv: modInverse(mul, n) };
}

function permute(p: Perm, i: number): number {
  return (i * p.mul + p.add) % p.n;
}

function unpermute(p: Perm, j: number): number {
  return (((j - p.add + p.n) % p.n) * p.inv) % p.n;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function modInverse(a: number, n: number): number {
  let [oldR, r] = [a, n];
  let [oldS, s] = [1, 0];
  while (r !== 0) {
    const q = Math.floor(oldR / r);
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % n) + n) % n;
}

// ---------------------------------------------------------------------------------------------
// Shared context and O(1) entity derivations
// ---------------------------------------------------------------------------------------------

interface Ctx {
  readonly seed: number;
  readonly key: number;
  readonly nowMs: number;
  readonly startMs: number;
  readonly accounts: number;
  readonly users: number;
  readonly events: number;
  readonly accountPerm: Perm;
  readonly companyPerm: Perm;
  readonly userPerm: Perm;
  readonly namePerm: Perm;
  readonly usersOverAccounts: PowerLaw;
  readonly eventsOverUsers: PowerLaw;
}

function context(o: GeneratorOptions): Ctx {
  const { seed, scale, now } = o;
  const days = o.days ?? DEFAULT_DAYS;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new RangeError('now must be a valid Date');
  }
  if (!(Number.isFinite(days) && days > 0)) throw new RangeError(`days must be > 0, got ${days}`);
  for (const k of ['accounts', 'users', 'events'] as const) {
    const v = scale[k];
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new RangeError(`scale.${k} must be a non-negative integer, got ${v}`);
    }
  }
  if (scale.accounts > MAX_ENTITIES || scale.users > MAX_ENTITIES) {
    throw new RangeError(`scale.accounts and scale.users must be <= ${MAX_ENTITIES}`);
  }
  if (scale.events > 0 && scale.users === 0) {
    throw new RangeError('events need at least one user to reference');
  }
  // Fold the high bits in so seeds that differ only above 2^32 still differ.
  const key = mix32((seed >>> 0) ^ mix32(Math.floor(seed / 4294967296) + 0x632be5ab));
  const nowMs = now.getTime();
  return {
    seed,
    key,
    nowMs,
    startMs: nowMs - Math.round(days * DAY_MS),
    accounts: scale.accounts,
    users: scale.users,
    events: scale.events,
    accountPerm: makePerm(scale.accounts, hash3(key, S_ACCOUNT_PERM, 0)),
    companyPerm: makePerm(COMPANY_COMBOS, hash3(key, S_COMPANY_PERM, 0)),
    userPerm: makePerm(scale.users, hash3(key, S_USER_PERM, 0)),
    namePerm: makePerm(NAME_COMBOS, hash3(key, S_NAME_PERM, 0)),
    usersOverAccounts: powerLaw(scale.accounts, ACCOUNT_SKEW),
    eventsOverUsers: powerLaw(scale.users, USER_ACTIVITY_SKEW),
  };
}

function accountId(a: number): string {
  return `acc_${String(a + 1).padStart(6, '0')}`;
}

function userId(u: number): string {
  return `usr_${String(u + 1).padStart(7, '0')}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Account creation time: within the 3 years before `now` (at least an hour before), whole seconds. */
function accountCreatedMs(c: Ctx, a: number): number {
  const u = unit(hash3(c.key, S_ACCOUNT_CREATED, a));
  const ms = c.nowMs - HOUR_MS - u * (ACCOUNT_HISTORY_MS - HOUR_MS);
  return Math.ceil(ms / SECOND_MS) * SECOND_MS;
}

interface CompanyName {
  readonly name: string;
  readonly domain: string;
  /** Industry suggested by the name's tail ("… Health" -> Healthcare), if any. */
  readonly hint: string | null;
}

/**
 * Company name and domain: a bijection of the account index onto prefix × core × tail combos,
 * with a numeric suffix once the combos run out, so names and domains are unique.
 */
function companyName(c: Ctx, a: number): CompanyName {
  const round = Math.floor(a / COMPANY_COMBOS);
  const combo = permute(c.companyPerm, a % COMPANY_COMBOS);
  const prefix = at(COMPANY_PREFIXES, combo % COMPANY_PREFIXES.length);
  const rest = Math.floor(combo / COMPANY_PREFIXES.length);
  const core = at(COMPANY_CORES, rest % COMPANY_CORES.length);
  const [tail, hint] = at(COMPANY_TAILS, Math.floor(rest / COMPANY_CORES.length));
  const suffix = round > 0 ? String(round + 1) : '';
  const stem = `${prefix}${core}`;
  const tld = pick(TLDS, unit(hash3(c.key, S_ACCOUNT_TLD, a)));
  return {
    name: suffix ? `${stem} ${tail} ${suffix}` : `${stem} ${tail}`,
    domain: `${stem}${tail}${suffix}`.toLowerCase() + tld,
    hint,
  };
}

/** The user's account index, or -1 when the user has no account. Long-tailed over accounts. */
function userAccount(c: Ctx, u: number): number {
  if (c.accounts === 0) return -1;
  if (unit(hash3(c.key, S_USER_NO_ACCOUNT, u)) < USERS_WITHOUT_ACCOUNT) return -1;
  const rank = powerLawRank(c.usersOverAccounts, unit(hash3(c.key, S_USER_ACCOUNT, u)));
  return permute(c.accountPerm, rank);
}

/** User sign-up time: after the account's creation (skewed early), never after `now`. */
function userCreatedMs(c: Ctx, u: number, account: number): number {
  const base = account < 0 ? c.nowMs - ACCOUNT_HISTORY_MS : accountCreatedMs(c, account);
  const f = unit(hash3(c.key, S_USER_CREATED, u)) ** 2.2;
  const ms = Math.ceil((base + (c.nowMs - base) * f) / SECOND_MS) * SECOND_MS;
  return Math.min(ms, c.nowMs);
}

// ---------------------------------------------------------------------------------------------
// Accounts
// ---------------------------------------------------------------------------------------------

export function* generateAccounts(o: GeneratorOptions): Generator<AccountRecord> {
  const c = context(o);
  for (let a = 0; a < c.accounts; a++) yield account(c, a);
}

function account(c: Ctx, a: number): AccountRecord {
  const r = mulberry32(hash3(c.key, S_ACCOUNT, a));
  const company = companyName(c, a);
  // Accounts are ranked by how many users they attract (rank 0 the most): size the company and
  // its seat count so the user-heavy accounts are the big ones and seats cover most users.
  const expectedUsers = expectedAccountUsers(c, unpermute(c.accountPerm, a));

  const industry = company.hint !== null && r() < 0.7 ? company.hint : pick(INDUSTRIES, r());
  const region = pick(REGIONS, r());
  const country = pick(COUNTRIES[region] as WeightedTable<string>, r());

  const sampledEmployees = logNormal(r, 25, 1.5);
  const employees = clamp(Math.round(Math.max(sampledEmployees, expectedUsers * (1.5 + 3 * r()))), 1, 50_000);
  const seatShare = clamp(logNormal(r, 0.12, 0.8), 0.01, 1);
  const wantedSeats = Math.max(1, Math.round(employees * seatShare), Math.round(expectedUsers * (0.8 + 0.4 * r())));
  let plan = pick(planTable(employees), r());
  // An account whose seats outgrow its plan has upgraded.
  while (wantedSeats > SEAT_CAP[plan]) plan = NEXT_PLAN[plan];
  const seats = clamp(wantedSeats, plan === 'enterprise' ? 10 : 1, SEAT_CAP[plan]);

  const createdMs = accountCreatedMs(c, a);
  const ageDays = (c.nowMs - createdMs) / DAY_MS;
  let stage: string;
  if (ageDays < 14) {
    stage = plan === 'free' || plan === 'starter' ? 'trial' : 'onboarding';
  } else if (ageDays < 60) {
    stage = plan === 'free' && r() < 0.5 ? 'trial' : 'onboarding';
  } else {
    const u = r() / (plan === 'enterprise' ? 0.4 : 1); // enterprise accounts churn less
    stage = u < CHURNED_RATE ? 'churned' : u < CHURNED_RATE + CHURN_RISK_RATE ? 'churn_risk' : 'active';
  }
  const [healthMean, healthSd] = HEALTH_BY_STAGE[stage] as readonly [number, number];
  const health = clamp(Math.round(healthMean + healthSd * normal(r)), 0, 100);

  const billed = stage !== 'churned' && stage !== 'trial';
  const listPrice = PLATFORM_FEE[plan] + SEAT_PRICE[plan] * seats ** 0.92;
  const discount = 0.85 + 0.25 * r();
  const mrrCents = billed ? Math.round(listPrice * discount * 100) : 0;

  // Annual contracts renew on the anniversary of creation; churned ones show the lapsed date.
  const years = Math.max(1, Math.ceil((c.nowMs - createdMs) / YEAR_MS));
  const renewalYears = stage === 'churned' ? Math.max(1, years - 1) : years;
  const renewalMs = Math.floor((createdMs + renewalYears * YEAR_MS) / DAY_MS) * DAY_MS;

  const strategic = plan === 'enterprise' ? employees >= 1_000 || r() < 0.3 : r() < 0.02;
  const owner = at(CSM_EMAILS, Math.floor(r() * CSM_EMAILS.length));

  // Optional fields are occasionally missing, so coverage is below 100%.
  const nul = (): boolean => r() < NULL_RATE;
  const noRegion = nul();
  return {
    account_id: accountId(a),
    company_name: company.name,
    domain: company.domain,
    industry: nul() ? null : industry,
    employee_count: nul() ? null : employees,
    seats,
    plan,
    region: noRegion ? null : region,
    country: noRegion || nul() ? null : country,
    mrr: mrrCents / 100,
    arr: (mrrCents * 12) / 100,
    created_at: iso(createdMs),
    owner_email: nul() ? null : owner,
    lifecycle_stage: nul() ? null : stage,
    health_score: nul() ? null : health,
    is_strategic: nul() ? null : strategic,
    renewal_date: nul() ? null : iso(renewalMs),
  };
}

/** Expected number of users of the account with user-rank `rank` (see `userAccount`). */
function expectedAccountUsers(c: Ctx, rank: number): number {
  const p = c.usersOverAccounts;
  const share = ((rank + 2) ** (1 / p.inv) - (rank + 1) ** (1 / p.inv)) / p.span;
  return c.users * (1 - USERS_WITHOUT_ACCOUNT) * share;
}

function planTable(employees: number): WeightedTable<Plan> {
  for (const [maxEmployees, plans] of PLAN_BY_SIZE) {
    if (employees < maxEmployees) return plans;
  }
  return (PLAN_BY_SIZE[PLAN_BY_SIZE.length - 1] as readonly [number, WeightedTable<Plan>])[1];
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(x, hi));
}

// ---------------------------------------------------------------------------------------------
// Users
// ---------------------------------------------------------------------------------------------

export function* generateUsers(o: GeneratorOptions): Generator<UserRecord> {
  const c = context(o);
  for (let u = 0; u < c.users; u++) yield user(c, u);
}

function user(c: Ctx, u: number): UserRecord {
  const r = mulberry32(hash3(c.key, S_USER, u));
  const accountIndex = userAccount(c, u);
  const createdMs = userCreatedMs(c, u, accountIndex);

  // Names are a bijection of the user index onto first × last combos, with a numeric suffix in
  // the e-mail local part once the combos run out: e-mails are globally unique.
  const round = Math.floor(u / NAME_COMBOS);
  const combo = permute(c.namePerm, u % NAME_COMBOS);
  const first = at(FIRST_NAMES, combo % FIRST_NAMES.length);
  const last = at(LAST_NAMES, Math.floor(combo / FIRST_NAMES.length));
  const local = `${first}.${last}${round > 0 ? round + 1 : ''}`.toLowerCase();
  const domain =
    accountIndex >= 0 ? companyName(c, accountIndex).domain : at(FREE_MAIL_DOMAINS, Math.floor(r() * FREE_MAIL_DOMAINS.length));

  const [department, titleTable] = pick(DEPARTMENTS, r());
  const title = pick(titleTable, r());
  const role = pick(ROLES, r());
  const champion = r() < CHAMPION_RATE[role];

  // Most users were seen recently; ~15% are dormant since some point after sign-up.
  const sinceSignup = c.nowMs - createdMs;
  const seenFraction = r() < 0.15 ? r() : 1 - r() ** 3;
  const lastSeenMs = Math.min(c.nowMs, createdMs + Math.floor((sinceSignup * seenFraction) / SECOND_MS) * SECOND_MS);

  return {
    user_id: userId(u),
    email: `${local}@${domain}`,
    account_id: accountIndex >= 0 ? accountId(accountIndex) : null,
    name: `${first} ${last}`,
    first_name: first,
    last_name: last,
    title: r() < NULL_RATE ? null : title,
    role,
    created_at: iso(createdMs),
    last_seen_at: iso(lastSeenMs),
    department: r() < NULL_RATE ? null : department,
    is_champion: champion,
  };
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

/**
 * The event timeline: one bucket per UTC hour overlapping [start, now], holding how many events
 * fall in it. Bucket weights carry the hour-of-day, day-of-week, growth and day-noise shapes;
 * counts are apportioned by cumulative rounding, so they sum to exactly `events`.
 */
interface Timeline {
  readonly firstHour: number;
  readonly counts: Float64Array;
}

function timeline(c: Ctx): Timeline {
  const firstHour = Math.floor(c.startMs / HOUR_MS);
  const endHour = Math.ceil(c.nowMs / HOUR_MS);
  const n = Math.max(1, endHour - firstHour);
  const weights = new Float64Array(n);
  const window = c.nowMs - c.startMs;
  let total = 0;
  for (let b = 0; b < n; b++) {
    const hourMs = (firstHour + b) * HOUR_MS;
    const lo = Math.max(c.startMs, hourMs);
    const hi = Math.min(c.nowMs, hourMs + HOUR_MS);
    if (hi <= lo) continue;
    const day = Math.floor(hourMs / DAY_MS);
    const dow = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
    const growth = GROWTH_START + (GROWTH_END - GROWTH_START) * ((lo - c.startMs) / window);
    const noise = unit(hash3(c.key, S_DAY_NOISE, day));
    const dayFactor = (0.85 + 0.3 * noise) * (noise < SPIKE_DAY_RATE ? 1.6 : 1);
    const w =
      ((hi - lo) / HOUR_MS) * at(UTC_HOUR_WEIGHT, (((firstHour + b) % 24) + 24) % 24) * at(WEEKDAY_WEIGHT, dow) * growth * dayFactor;
    weights[b] = w;
    total += w;
  }
  const counts = new Float64Array(n);
  let cumulative = 0;
  let assigned = 0;
  for (let b = 0; b < n; b++) {
    cumulative += weights[b] as number;
    const upTo = b === n - 1 ? c.events : Math.min(c.events, Math.round((c.events * cumulative) / total));
    counts[b] = upTo - assigned;
    assigned = upTo;
  }
  return { firstHour, counts };
}

export function* generateEvents(o: GeneratorOptions): Generator<EventRecord> {
  const c = context(o);
  if (c.events === 0) return;
  const r = mulberry32(hash3(c.key, S_EVENTS, 0));
  const { firstHour, counts } = timeline(c);
  const idPrefix = `evt_${c.seed}_`;
  const users = c.eventsOverUsers;
  let index = 0;

  for (let b = 0; b < counts.length; b++) {
    const n = counts[b] as number;
    if (n === 0) continue;
    const hourMs = (firstHour + b) * HOUR_MS;
    const lo = Math.max(c.startMs, hourMs);
    const span = Math.min(c.nowMs, hourMs + HOUR_MS) - lo;
    const hourPrefix = iso(hourMs).slice(0, 14); // "YYYY-MM-DDTHH:"

    for (let i = 0; i < n; i++) {
      // Stratified within the bucket: sorted, never before `lo`, always before the bucket end.
      const ms = lo + Math.floor(((i + r()) * span) / n);
      const off = ms - hourMs;
      const timestamp = `${hourPrefix}${PAD2[Math.floor(off / 60_000)]}:${PAD2[Math.floor(off / 1_000) % 60]}.${PAD3[off % 1_000]}Z`;

      // Active users are skewed; only pick users who had already signed up at that time.
      let u = 0;
      let account = -1;
      for (let attempt = 0; attempt < MAX_USER_ATTEMPTS; attempt++) {
        u = permute(c.userPerm, powerLawRank(users, r()));
        account = userAccount(c, u);
        if (userCreatedMs(c, u, account) <= ms) break;
      }

      const nameIndex = pickIndex(EVENT_NAME_CDF, r());
      index++;
      const event: EventRecord = {
        event_id: idPrefix + index,
        event_name: EVENT_NAMES[nameIndex] as string,
        timestamp,
        user_id: userId(u),
        account_id: account >= 0 && r() >= EVENTS_WITHOUT_ACCOUNT ? accountId(account) : null,
      };
      if (nameIndex === IDX_VIEWED_PAGE) {
        event.duration_ms = Math.max(50, Math.round(logNormal(r, 3_500, 1.0)));
      } else if (nameIndex === IDX_RAN_QUERY) {
        event.duration_ms = Math.max(1, Math.round(logNormal(r, 650, 1.3)));
      } else if (nameIndex === IDX_EXPORTED_DATA) {
        event.rows = Math.max(1, Math.round(logNormal(r, 1_200, 1.8)));
      } else if (nameIndex === IDX_UPGRADED_PLAN) {
        event.amount = Math.round(logNormal(r, 250, 0.9) * 100) / 100;
      }
      if (r() < SOURCE_RATE) event.source = pick(SOURCES, r());
      yield event;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Utilities
// ---------------------------------------------------------------------------------------------

/** Group any iterable into arrays of `size` (last one may be shorter). */
export function* batches<T>(items: Iterable<T>, size: number): Generator<T[]> {
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new RangeError(`batch size must be a positive integer, got ${size}`);
  }
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
