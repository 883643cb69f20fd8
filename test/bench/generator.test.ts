import { describe, expect, it } from 'vitest';
import {
  type AccountRecord,
  batches,
  EVENT_NAMES,
  type EventRecord,
  type GeneratorOptions,
  generateAccounts,
  generateEvents,
  generateUsers,
  PRESETS,
  type Scale,
  type UserRecord,
} from '../../bench/generator.ts';

const NOW = new Date('2026-03-15T10:30:00.000Z');
const DAY_MS = 86_400_000;
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const EMAIL_RE = /^[a-z0-9._+-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/;

function opts(overrides: Partial<GeneratorOptions> = {}): GeneratorOptions {
  return { seed: 42, scale: PRESETS.small, now: NOW, ...overrides };
}

interface Workspace {
  accounts: AccountRecord[];
  users: UserRecord[];
  events: EventRecord[];
}

function workspace(o: GeneratorOptions): Workspace {
  return { accounts: [...generateAccounts(o)], users: [...generateUsers(o)], events: [...generateEvents(o)] };
}

const small = workspace(opts());

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const item of items) m.set(key(item), (m.get(key(item)) ?? 0) + 1);
  return m;
}

/** Epoch ms of an ISO string (NaN for anything else, which fails every comparison below). */
function ms(value: unknown): number {
  return typeof value === 'string' ? Date.parse(value) : Number.NaN;
}

/**
 * Records breaking `ok` (at most 3, to keep messages short). Checking in plain code and asserting
 * once keeps these whole-workspace scans fast; `expect` per record costs ~10x more.
 */
function offenders<T>(records: Iterable<T>, ok: (record: T) => boolean): T[] {
  const bad: T[] = [];
  for (const r of records) {
    if (!ok(r)) bad.push(r);
    if (bad.length === 3) break;
  }
  return bad;
}

describe('presets and vocabulary', () => {
  it('has the documented presets', () => {
    expect(PRESETS.small).toEqual({ accounts: 50, users: 400, events: 5_000 });
    expect(PRESETS.default).toEqual({ accounts: 2_000, users: 20_000, events: 200_000 });
    expect(PRESETS.large).toEqual({ accounts: 100_000, users: 1_000_000, events: 10_000_000 });
  });

  it('has ~12 distinct event names, Signed In first', () => {
    expect(EVENT_NAMES.length).toBe(12);
    expect(new Set(EVENT_NAMES).size).toBe(EVENT_NAMES.length);
    expect(EVENT_NAMES[0]).toBe('Signed In');
    for (const name of ['Viewed Page', 'Ran Query', 'Exported Data', 'Upgraded Plan']) {
      expect(EVENT_NAMES).toContain(name);
    }
  });
});

describe('determinism', () => {
  it('same options give identical output', () => {
    expect(JSON.stringify(workspace(opts()))).toBe(JSON.stringify(small));
  });

  it('a different seed gives different accounts, users and events', () => {
    const other = workspace(opts({ seed: 43 }));
    expect(JSON.stringify(other.accounts)).not.toBe(JSON.stringify(small.accounts));
    expect(JSON.stringify(other.users)).not.toBe(JSON.stringify(small.users));
    expect(JSON.stringify(other.events)).not.toBe(JSON.stringify(small.events));
  });

  it('seeds that differ only above 2^32 still differ', () => {
    const a = [...generateUsers(opts({ seed: 1 }))];
    const b = [...generateUsers(opts({ seed: 1 + 2 ** 32 }))];
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(b));
  });

  it('is anchored on `now`, not the clock', () => {
    const later = new Date(NOW.getTime() + 30 * DAY_MS);
    const shifted = [...generateEvents(opts({ now: later }))];
    expect(Math.max(...shifted.map((e) => ms(e.timestamp)))).toBeLessThanOrEqual(later.getTime());
    expect(Math.max(...shifted.map((e) => ms(e.timestamp)))).toBeGreaterThan(NOW.getTime());
  });
});

describe('counts', () => {
  it.each<[string, Scale]>([
    ['small preset', PRESETS.small],
    ['odd scale', { accounts: 7, users: 33, events: 1_001 }],
    ['single of each', { accounts: 1, users: 1, events: 1 }],
    ['nothing', { accounts: 0, users: 0, events: 0 }],
  ])('yields exactly the scale (%s)', (_, scale) => {
    const w = workspace(opts({ scale }));
    expect(w.accounts.length).toBe(scale.accounts);
    expect(w.users.length).toBe(scale.users);
    expect(w.events.length).toBe(scale.events);
  });

  it('users without any accounts all have a null account_id', () => {
    const users = [...generateUsers(opts({ scale: { accounts: 0, users: 20, events: 0 } }))];
    expect(users.every((u) => u.account_id === null)).toBe(true);
  });

  it('rejects invalid options', () => {
    const bad: Partial<GeneratorOptions>[] = [
      { seed: 1.5 },
      { seed: Number.NaN },
      { now: new Date(Number.NaN) },
      { days: 0 },
      { scale: { accounts: -1, users: 1, events: 1 } },
      { scale: { accounts: 1, users: 1.5, events: 1 } },
      { scale: { accounts: 1, users: 0, events: 1 } },
    ];
    for (const o of bad) {
      expect(() => [...generateEvents(opts(o))]).toThrow(RangeError);
    }
  });
});

describe('referential integrity', () => {
  const accountIds = new Set(small.accounts.map((a) => a.account_id));
  const usersById = new Map(small.users.map((u) => [u.user_id, u]));

  it('every user account exists; ~2% of users have none', () => {
    const withoutAccount = small.users.filter((u) => u.account_id === null).length;
    expect(offenders(small.users, (u) => u.account_id === null || accountIds.has(u.account_id))).toEqual([]);
    expect(withoutAccount).toBeGreaterThan(0);
    expect(withoutAccount / small.users.length).toBeLessThan(0.06);
  });

  it("every event user exists and its account is the user's (or null for ~10%)", () => {
    const bad = offenders(small.events, (e) => {
      const user = usersById.get(e.user_id as string);
      return user !== undefined && (e.account_id === null || e.account_id === user.account_id);
    });
    expect(bad).toEqual([]);
    const share = small.events.filter((e) => e.account_id === null).length / small.events.length;
    expect(share).toBeGreaterThan(0.07);
    expect(share).toBeLessThan(0.16);
  });

  it('user e-mails are on their account domain', () => {
    const domains = new Map(small.accounts.map((a) => [a.account_id, a.domain]));
    const bad = offenders(small.users, (u) => u.account_id === null || (u.email as string).endsWith(`@${domains.get(u.account_id)}`));
    expect(bad).toEqual([]);
  });

  it('events reference in-range users at the large preset without materialising it', () => {
    // (Materialising the preset's 10M events first would not end within the test's timeout.)
    const first: EventRecord[] = [];
    for (const e of generateEvents(opts({ scale: PRESETS.large }))) {
      first.push(e);
      if (first.length === 2_000) break;
    }
    const inRange = (id: unknown, max: number) => {
      const n = Number((id as string).slice(4));
      return Number.isInteger(n) && n >= 1 && n <= max;
    };
    const bad = offenders(
      first,
      (e) => inRange(e.user_id, PRESETS.large.users) && (e.account_id === null || inRange(e.account_id, PRESETS.large.accounts)),
    );
    expect(bad).toEqual([]);
  });
});

describe('timestamps', () => {
  it.each([180, 7, 0.5])('events are ISO-8601 UTC, within [now - days, now], chronological (days=%s)', (days) => {
    const events = days === 180 ? small.events : [...generateEvents(opts({ days }))];
    expect(events.length).toBe(PRESETS.small.events);
    let previous = NOW.getTime() - days * DAY_MS;
    const bad = offenders(events, (e) => {
      const t = ms(e.timestamp);
      const ok =
        ISO_RE.test(e.timestamp as string) &&
        new Date(t).toISOString() === e.timestamp &&
        t >= previous && // chronological, and never before the window
        t <= NOW.getTime();
      previous = t;
      return ok;
    });
    expect(bad).toEqual([]);
  });

  it('works when `now` is not aligned to an hour', () => {
    const now = new Date('2026-03-15T10:17:23.456Z');
    const events = [...generateEvents(opts({ now, days: 1 }))];
    const bad = offenders(events, (e) => {
      const t = ms(e.timestamp);
      return t >= now.getTime() - DAY_MS && t <= now.getTime();
    });
    expect(bad).toEqual([]);
  });

  it('entity dates are consistent with `now`', () => {
    const threeYears = 3 * 365 * DAY_MS;
    const badAccounts = offenders(small.accounts, (a) => {
      const created = ms(a.created_at);
      const renewalOk = a.renewal_date === null || ISO_RE.test(a.renewal_date as string);
      return ISO_RE.test(a.created_at as string) && created <= NOW.getTime() && created >= NOW.getTime() - threeYears && renewalOk;
    });
    expect(badAccounts).toEqual([]);
    const accountCreated = new Map(small.accounts.map((a) => [a.account_id, ms(a.created_at)]));
    const badUsers = offenders(small.users, (u) => {
      const created = ms(u.created_at);
      const seen = ms(u.last_seen_at);
      const afterAccount = u.account_id === null || created >= (accountCreated.get(u.account_id) as number);
      return created <= seen && seen <= NOW.getTime() && afterAccount;
    });
    expect(badUsers).toEqual([]);
  });

  it('events happen after their user signed up', () => {
    const signedUp = new Map(small.users.map((u) => [u.user_id, ms(u.created_at)]));
    const bad = offenders(small.events, (e) => ms(e.timestamp) >= (signedUp.get(e.user_id as string) as number));
    expect(bad).toEqual([]);
  });
});

describe('required fields and shapes', () => {
  it('accounts', () => {
    const plans = new Set(['free', 'starter', 'pro', 'enterprise']);
    const stages = new Set(['trial', 'onboarding', 'active', 'churn_risk', 'churned', null]);
    const intIn = (v: unknown, lo: number, hi: number) => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;
    const bad = offenders(small.accounts, (a) => {
      const mrr = a.mrr as number;
      return (
        /^acc_\d{6}$/.test(a.account_id as string) &&
        typeof a.company_name === 'string' &&
        a.company_name.length > 0 &&
        /^[a-z0-9]+\.(com|io|co)$/.test(a.domain as string) &&
        plans.has(a.plan as string) &&
        stages.has(a.lifecycle_stage as string | null) &&
        intIn(a.seats, 1, 1e9) &&
        (a.employee_count === null || intIn(a.employee_count, 1, 50_000)) &&
        (a.health_score === null || intIn(a.health_score, 0, 100)) &&
        (a.is_strategic === null || typeof a.is_strategic === 'boolean') &&
        typeof mrr === 'number' &&
        Math.round(mrr * 100) / 100 === mrr && // two decimals
        Math.abs((a.arr as number) - mrr * 12) < 0.005 &&
        (a.plan !== 'free' || mrr === 0)
      );
    });
    expect(bad).toEqual([]);
  });

  it('accounts keep a stable key set, with some optional values null (coverage < 100%)', () => {
    const accounts = [...generateAccounts(opts({ scale: { ...PRESETS.default, events: 0 } }))];
    const keys = Object.keys(accounts[0] as AccountRecord);
    expect(offenders(accounts, (a) => Object.keys(a).join() === keys.join())).toEqual([]);
    for (const field of ['industry', 'employee_count', 'owner_email', 'health_score', 'renewal_date']) {
      const nulls = accounts.filter((a) => a[field] === null).length / accounts.length;
      expect(nulls, field).toBeGreaterThan(0.005);
      expect(nulls, field).toBeLessThan(0.08);
    }
    for (const field of ['account_id', 'company_name', 'domain', 'plan', 'mrr', 'arr', 'created_at']) {
      expect(
        accounts.every((a) => a[field] !== null && a[field] !== undefined),
        field,
      ).toBe(true);
    }
  });

  it('users', () => {
    const bad = offenders(
      small.users,
      (u) =>
        /^usr_\d{7}$/.test(u.user_id as string) &&
        EMAIL_RE.test(u.email as string) &&
        u.name === `${u.first_name} ${u.last_name}` &&
        ['admin', 'member', 'viewer'].includes(u.role as string) &&
        typeof u.is_champion === 'boolean',
    );
    expect(bad).toEqual([]);
  });

  it('events', () => {
    const names = new Set(EVENT_NAMES);
    const isNumber = (e: EventRecord, k: string) => !(k in e) || typeof e[k] === 'number';
    const bad = offenders(
      small.events,
      (e) =>
        /^evt_42_\d+$/.test(e.event_id as string) &&
        names.has(e.event_name as string) &&
        typeof e.timestamp === 'string' &&
        /^usr_\d{7}$/.test(e.user_id as string) &&
        (!('duration_ms' in e) || e.event_name === 'Viewed Page' || e.event_name === 'Ran Query') &&
        (!('rows' in e) || e.event_name === 'Exported Data') &&
        (!('amount' in e) || e.event_name === 'Upgraded Plan') &&
        (!('source' in e) || ['web', 'api', 'mobile'].includes(e.source as string)) &&
        isNumber(e, 'duration_ms') &&
        isNumber(e, 'rows') &&
        isNumber(e, 'amount'),
    );
    expect(bad).toEqual([]);
    const queries = small.events.filter((e) => e.event_name === 'Ran Query');
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.every((e) => typeof e.duration_ms === 'number')).toBe(true);
    expect(small.events.some((e) => 'source' in e)).toBe(true);
    expect(small.events.some((e) => !('source' in e))).toBe(true);
  });
});

describe('uniqueness', () => {
  it.each<[string, keyof Workspace, string]>([
    ['account ids', 'accounts', 'account_id'],
    ['company names', 'accounts', 'company_name'],
    ['domains', 'accounts', 'domain'],
    ['user ids', 'users', 'user_id'],
    ['emails', 'users', 'email'],
    ['event ids', 'events', 'event_id'],
  ])('%s are unique', (_, kind, field) => {
    const records = small[kind] as Record<string, unknown>[];
    expect(new Set(records.map((r) => r[field])).size).toBe(records.length);
  });

  it('e-mails and company names stay unique past the name combinations', () => {
    // 48 × 32 × 24 = 36,864 company names and 100 × 100 = 10,000 person names before suffixes kick in.
    const o = opts({ scale: { accounts: 37_500, users: 10_500, events: 0 } });
    const users = [...generateUsers(o)];
    expect(new Set(users.map((u) => u.email)).size).toBe(users.length);
    const domains = new Set<unknown>();
    let n = 0;
    for (const a of generateAccounts(o)) {
      domains.add(a.domain);
      n++;
    }
    expect(domains.size).toBe(n);
  });
});

describe('batches', () => {
  it('groups into arrays of `size`, the last one shorter', () => {
    expect([...batches([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3)]).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10]]);
    expect([...batches([1, 2, 3, 4], 2)]).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect([...batches([1, 2], 5)]).toEqual([[1, 2]]);
    expect([...batches([], 3)]).toEqual([]);
  });

  it('streams: pulls only what it needs from an unbounded source', () => {
    function* naturals(): Generator<number> {
      for (let i = 0; ; i++) yield i;
    }
    const it = batches(naturals(), 4);
    expect(it.next().value).toEqual([0, 1, 2, 3]);
    expect(it.next().value).toEqual([4, 5, 6, 7]);
  });

  it('covers every record of a generator exactly once', () => {
    const all = [...batches(generateEvents(opts()), 1_000)];
    expect(all.map((b) => b.length)).toEqual([1_000, 1_000, 1_000, 1_000, 1_000]);
    expect(all.flat()).toEqual(small.events);
  });

  it('rejects a non-positive or fractional size', () => {
    for (const size of [0, -1, 1.5, Number.NaN]) expect(() => [...batches([1], size)]).toThrow(RangeError);
  });
});

describe('skew', () => {
  it('the first event name is the most frequent', () => {
    const counts = countBy(small.events, (e) => e.event_name as string);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
    expect(top?.[0]).toBe(EVENT_NAMES[0]);
    expect(counts.get('Upgraded Plan') ?? 0).toBeLessThan(counts.get('Signed In') ?? 0);
  });

  it('weekdays are busier than weekend days, working hours busier than nights', () => {
    const perDay = countBy(small.events, (e) => (e.timestamp as string).slice(0, 10));
    let weekday = 0;
    let weekdayDays = 0;
    let weekend = 0;
    let weekendDays = 0;
    for (const [day, n] of perDay) {
      const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
      if (dow === 0 || dow === 6) {
        weekend += n;
        weekendDays++;
      } else {
        weekday += n;
        weekdayDays++;
      }
    }
    expect(weekday / weekdayDays).toBeGreaterThan(2 * (weekend / weekendDays));

    const perHour = countBy(small.events, (e) => (e.timestamp as string).slice(11, 13));
    expect(perHour.get('15') ?? 0).toBeGreaterThan(perHour.get('04') ?? 0);
  });

  it('activity grows over the window', () => {
    const mid = NOW.getTime() - 90 * DAY_MS;
    const firstHalf = small.events.filter((e) => ms(e.timestamp) < mid).length;
    expect(small.events.length - firstHalf).toBeGreaterThan(firstHalf);
  });

  it('a few accounts have many users (long tail)', () => {
    const sizes = [
      ...countBy(
        small.users.filter((u) => u.account_id !== null),
        (u) => u.account_id as string,
      ).values(),
    ].sort((a, b) => b - a);
    const mean = small.users.length / small.accounts.length;
    expect(sizes[0] as number).toBeGreaterThan(3 * mean);
  });
});
