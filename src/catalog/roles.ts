import { keyTokens } from './tokens.ts';

/**
 * What does an event or a numeric event property mean for a product-led-sales team? Event names
 * arrive in every style ("Signed In", `user_login`, `session_started`, `Page Viewed`, `$pageview`,
 * "Viewed Page", `invite_sent`), so a role is recognised from the words of the name, in any order
 * and any inflection, from the tables below. Pure and dependency-free, like inference.ts.
 */

export const METRIC_ROLES = [
  'SIGN_IN',
  'PAGE_VIEW',
  'FEATURE_USE',
  'INVITE',
  'EXPANSION',
  'CONTRACTION',
  'ERROR',
  'ENGAGEMENT',
  'REVENUE',
  'QUANTITY',
  'DURATION',
] as const;
export type MetricRole = (typeof METRIC_ROLES)[number];

/** Roles of value metrics (numeric properties); every other role is a role of count metrics (event names). */
export const VALUE_ROLES: readonly MetricRole[] = ['REVENUE', 'QUANTITY', 'DURATION'];
export const EVENT_ROLES: readonly MetricRole[] = METRIC_ROLES.filter((role) => !VALUE_ROLES.includes(role));

/** Roles whose events mean "a user used the product": what active users and usage count. */
export const ACTIVITY_ROLES: readonly MetricRole[] = ['SIGN_IN', 'PAGE_VIEW', 'FEATURE_USE'];

/** How a role reads in a sentence ("`Signed In` is sign-in activity"). */
export const ROLE_PHRASES: Record<MetricRole, string> = {
  SIGN_IN: 'sign-in activity',
  PAGE_VIEW: 'page or screen views',
  FEATURE_USE: 'feature use',
  INVITE: 'invitations or users added',
  EXPANSION: 'purchases, upgrades or expansion',
  CONTRACTION: 'downgrades or cancellations',
  ERROR: 'errors',
  ENGAGEMENT: 'sales and marketing engagement',
  REVENUE: 'a revenue amount',
  QUANTITY: 'a quantity',
  DURATION: 'a duration',
};

// ---------------------------------------------------------------------------------------------
// Event names
// ---------------------------------------------------------------------------------------------

/**
 * Each rule lists alternatives; an alternative is a set of words that must ALL occur in the name,
 * in any order ("Page Viewed" and "Viewed Page" alike). Words are compared after lemmatising
 * ("signed" → sign, "invited" → invite, "logged" → log, "sent" → send), and adjacent words are
 * also joined, so "Signed In", "SignIn", "sign_in" and "signin" all contain `signin`.
 * Rules are tried in order and the first match wins: a failed login is an error, a cancelled
 * subscription a contraction, before anything more generic. Exports of analytics tools read the
 * same way: Amplitude's `[Amplitude] Page Viewed`, Mixpanel's `$mp_web_page_view` and `$ae_session`,
 * Segment's `pages` and `screens` tables.
 */
const EVENT_RULES: ReadonlyArray<{ role: MetricRole; any: readonly string[] }> = [
  { role: 'ERROR', any: ['error', 'fail', 'failure', 'exception', 'crash', 'bounce'] },
  {
    role: 'CONTRACTION',
    any: [
      'downgrade',
      'cancel',
      'cancellation',
      'churn',
      'unsubscribe',
      'refund',
      'subscription end',
      'subscription expire',
      'trial expire',
      'seat remove',
      'license remove',
      'user remove',
      'user delete',
      'user deactivate',
      'member remove',
      'account delete',
      'account close',
    ],
  },
  {
    role: 'EXPANSION',
    any: [
      'upgrade',
      'purchase',
      'buy',
      'expand',
      'expansion',
      'subscribe',
      'subscription start',
      'subscription create',
      'subscription renew',
      'order complete',
      'order place',
      'checkout complete',
      'invoice pay',
      'payment succeed',
      'payment complete',
      'seat add',
      'license add',
      'plan change',
    ],
  },
  // A CRM's or marketing tool's record of a contact's engagement (`EmailOpened`, `MeetingBooked`):
  // before invitations and feature use, which "Webinar Registered" or "Form Submitted" would hit.
  {
    role: 'ENGAGEMENT',
    any: [
      'email open',
      'email click',
      'email reply',
      'email deliver',
      'email link click',
      'meeting book',
      'meeting schedule',
      'meeting attend',
      'meeting log',
      'call log',
      'call complete',
      'call connect',
      'phone call',
      'demo request',
      'demo book',
      'demo schedule',
      'form submit',
      'form submission',
      'form fill',
      'webinar',
      'engagement',
    ],
  },
  {
    role: 'INVITE',
    any: [
      'invite',
      'invitation',
      'signup',
      'register',
      'registration',
      'join',
      'user add',
      'user create',
      'member add',
      'teammate add',
      'collaborator add',
      'seat assign',
    ],
  },
  {
    role: 'SIGN_IN',
    any: [
      'signin',
      'login',
      'logon',
      'signon',
      'authenticate',
      'session',
      'app open',
      'application open',
      'app launch',
      'app start',
      'application launch',
      'application start',
    ],
  },
  {
    role: 'PAGE_VIEW',
    any: [
      'pageview',
      'screenview',
      'page view',
      'page load',
      'page visit',
      'page open',
      'screen view',
      'screen load',
      'screen open',
      'page',
      'screen',
    ],
  },
  {
    role: 'FEATURE_USE',
    any: [
      'feature',
      'use',
      'create',
      'run',
      'export',
      'import',
      'share',
      'upload',
      'download',
      'edit',
      'update',
      'comment',
      'publish',
      'save',
      'search',
      'send',
      'schedule',
      'generate',
      'build',
      'connect',
      'integrate',
      'install',
      'enable',
      'configure',
      'submit',
      'reply',
      'click',
      'copy',
      'filter',
      'sync',
      'deploy',
      'query',
      'report',
      'dashboard',
      'workflow',
    ],
  },
];

/** Irregular forms that suffix stripping cannot undo. */
const IRREGULAR: Record<string, string> = {
  sent: 'send',
  paid: 'pay',
  ran: 'run',
  bought: 'buy',
  built: 'build',
  made: 'make',
  began: 'begin',
  begun: 'begin',
  ended: 'end',
  logged: 'log',
  signed: 'sign',
  viewed: 'view',
  pageviews: 'pageview',
  screenviews: 'screenview',
  logins: 'login',
  signins: 'signin',
  signups: 'signup',
};

const compactPhrase = (phrase: string) => phrase.split(' ');

/** Every word of every rule: the vocabulary lemmatisation maps onto. */
const VOCABULARY: ReadonlySet<string> = new Set([
  ...EVENT_RULES.flatMap((rule) => rule.any.flatMap(compactPhrase)),
  'sign',
  'log',
  'in',
  'on',
  'up',
  'view',
]);

/** The vocabulary word a token is an inflection of ("invited" → invite, "cancelled" → cancel), else the token. */
export function lemma(token: string): string {
  const irregular = IRREGULAR[token];
  if (irregular) return irregular;
  if (VOCABULARY.has(token)) return token;
  // "replied" -> reply, "qualified" -> qualify.
  if (token.endsWith('ied') && VOCABULARY.has(`${token.slice(0, -3)}y`)) return `${token.slice(0, -3)}y`;
  for (const suffix of ['ing', 'ed', 'es', 's', 'd']) {
    if (!token.endsWith(suffix) || token.length - suffix.length < 2) continue;
    const base = token.slice(0, -suffix.length);
    const doubled = base.length > 2 && base.at(-1) === base.at(-2) ? base.slice(0, -1) : null;
    for (const candidate of [base, `${base}e`, doubled]) if (candidate && VOCABULARY.has(candidate)) return candidate;
  }
  return token;
}

/** The words of a name, lemmatised, plus each pair of adjacent words joined ("sign"+"in" → signin). */
function eventTerms(name: string): Set<string> {
  const words = keyTokens(name).map(lemma);
  const terms = new Set(words);
  for (let i = 0; i + 1 < words.length; i++) terms.add(lemma(`${words[i]}${words[i + 1]}`));
  return terms;
}

const COMPILED_EVENT_RULES = EVENT_RULES.map((rule) => ({ role: rule.role, any: rule.any.map(compactPhrase) }));

/** The role of an event from its name, or null when no rule fits. */
export function inferEventRole(name: string): MetricRole | null {
  const terms = eventTerms(name);
  if (terms.size === 0) return null;
  for (const rule of COMPILED_EVENT_RULES) {
    if (rule.any.some((words) => words.every((word) => terms.has(word)))) return rule.role;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Numeric properties
// ---------------------------------------------------------------------------------------------

/**
 * Property keys are read like column names in inference.ts: the meaning is the head of the
 * compound, its LAST words ("order_total" is money, "total_rows" a quantity), and unit words may
 * follow it ("duration_ms", "amount_usd", "price_cents"). A unit alone is the meaning too
 * ("seconds", "ms").
 */
const VALUE_RULES: ReadonlyArray<{ role: MetricRole; tail: readonly string[]; units: readonly string[] }> = [
  {
    role: 'DURATION',
    tail: [
      'duration',
      'time spent',
      'elapsed',
      'latency',
      'load time',
      'response time',
      'watch time',
      'session length',
      'seconds',
      'secs',
      'ms',
      'millis',
      'milliseconds',
      'minutes',
      'mins',
      'hours',
    ],
    units: ['ms', 'millis', 'milliseconds', 's', 'sec', 'secs', 'seconds', 'min', 'mins', 'minutes', 'h', 'hours'],
  },
  {
    role: 'QUANTITY',
    tail: ['quantity', 'qty', 'count', 'rows', 'items', 'units', 'seats', 'licenses', 'users', 'records', 'files', 'size', 'number', 'num'],
    units: ['count', 'total', 'num'],
  },
  {
    role: 'REVENUE',
    tail: [
      'amount',
      'revenue',
      'price',
      'total',
      'value',
      'mrr',
      'arr',
      'payment',
      'spend',
      'cost',
      'ltv',
      'subtotal',
      'fee',
      'paid',
      'charge',
    ],
    units: ['usd', 'eur', 'gbp', 'cad', 'aud', 'jpy', 'chf', 'cents', 'net', 'gross', 'amount'],
  },
];

const MAX_TAIL_WORDS = 3;
const COMPILED_VALUE_RULES = VALUE_RULES.map((rule) => ({
  role: rule.role,
  tail: new Set(rule.tail.map((phrase) => phrase.split(' ').join(''))),
  units: new Set(rule.units),
}));

/** The role of a numeric event property from its key, or null. Linear in the key's length. */
export function inferValueRole(key: string): MetricRole | null {
  const tokens = keyTokens(key);
  // Quantities before money: "rows_total" counts rows, while "order_total" (no quantity word) is money.
  for (const rule of COMPILED_VALUE_RULES) {
    // Peel unit words off the end, testing the (at most 3-word) tail at each step.
    for (let end = tokens.length; end > 0; end--) {
      for (let start = Math.max(0, end - MAX_TAIL_WORDS); start < end; start++) {
        if (rule.tail.has(tokens.slice(start, end).join(''))) return rule.role;
      }
      const last = tokens[end - 1];
      if (last === undefined || !rule.units.has(last)) break;
    }
  }
  return null;
}

/** The role of a metric of the catalog: event names for count metrics, property keys for value metrics. */
export function inferMetricRole(kind: 'COUNT' | 'VALUE', name: string): MetricRole | null {
  return kind === 'COUNT' ? inferEventRole(name) : inferValueRole(name);
}

/** Whether a role may be given to a metric of this kind. */
export function roleFits(kind: 'COUNT' | 'VALUE', role: MetricRole): boolean {
  return (kind === 'COUNT' ? EVENT_ROLES : VALUE_ROLES).includes(role);
}
