import { badUserInput } from '../errors.ts';
import type { Interval } from './models.ts';

// Calendar math for series and windows. Days are 'YYYY-MM-DD' strings (they compare lexically and
// match the rollups' `day` column); instants are Dates. Rollups are per UTC day, so a window or a
// series covers whole days: every day whose start falls in [from, to).

/** Upper bound on points in one series (ten years of days, with room). */
export const MAX_POINTS = 4000;
const DAY_MS = 86_400_000;

export function isUtc(timeZone: string): boolean {
  return /^(utc|etc\/utc|gmt|etc\/gmt|z)$/i.test(timeZone);
}

/**
 * The canonical IANA name of a zone (`US/Pacific-New` → `America/Los_Angeles`), or BAD_USER_INPUT.
 * SQL is given the canonical name: PostgreSQL does not know every alias JavaScript accepts.
 */
export function assertTimeZone(timeZone: string): string {
  try {
    return canonicalZone(timeZone);
  } catch {
    throw badUserInput(`Unknown time zone \`${timeZone}\`: use an IANA name such as \`Europe/Berlin\`.`, { argument: 'timeZone' });
  }
}

/**
 * Formatters per zone, keyed by the zone's canonical name: `europe/berlin` and `EUROPE/BERLIN`
 * share Europe/Berlin's (each formatter holds ICU data; keyed by the raw spelling, 50 case variants
 * in a loop grew the process by 170 MB for good). Both maps are bounded, least recently used out.
 */
const MAX_ZONES = 1_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
/** Spelling → canonical name; small strings, bounded like the formatters. */
const canonicalNames = new Map<string, string>();

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  cache.delete(key);
  if (cache.size >= MAX_ZONES) cache.delete(cache.keys().next().value!);
  cache.set(key, value);
  return value;
}

/** The IANA canonical name of a zone as spelled by a client (`europe/berlin` → `Europe/Berlin`); throws RangeError for unknown zones. */
export function canonicalZone(timeZone: string): string {
  const known = canonicalNames.get(timeZone);
  if (known !== undefined) return remember(canonicalNames, timeZone, known);
  return remember(canonicalNames, timeZone, new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone);
}

/** Entries in the formatter cache (tests). */
export function zoneCacheSize(): number {
  return formatters.size;
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  const zone = canonicalZone(timeZone);
  const cached = formatters.get(zone);
  if (cached) return remember(formatters, zone, cached);
  return remember(
    formatters,
    zone,
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }),
  );
}

/** Wall-clock time of an instant in a zone, as if it were UTC (ms). */
function wallClock(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  return Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
}

/** The calendar day an instant falls on in a zone. */
export function dayOf(instant: Date, timeZone = 'UTC'): string {
  const ms = isUtc(timeZone) ? instant.getTime() : wallClock(instant.getTime(), timeZone);
  return new Date(ms).toISOString().slice(0, 10);
}

/** The instant a calendar day starts in a zone (DST-aware). */
export function startOfDay(day: string, timeZone = 'UTC'): Date {
  const wall = Date.parse(`${day}T00:00:00Z`);
  if (isUtc(timeZone)) return new Date(wall);
  // Two passes settle the offset even when the day starts next to a DST change.
  let guess = wall - (wallClock(wall, timeZone) - wall);
  guess = wall - (wallClock(guess, timeZone) - guess);
  return new Date(guess);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Start of the bucket containing a day: the day, its ISO week's Monday, or the 1st of its month. */
export function bucketOf(day: string, interval: Interval): string {
  if (interval === 'DAY') return day;
  if (interval === 'MONTH') return `${day.slice(0, 7)}-01`;
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

export function nextBucket(bucket: string, interval: Interval): string {
  if (interval === 'DAY') return addDays(bucket, 1);
  if (interval === 'WEEK') return addDays(bucket, 7);
  const d = new Date(`${bucket}T00:00:00Z`);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
}

/** Days [firstDay, lastDay] (inclusive) that a series or window reads. */
export interface DayRange {
  firstDay: string;
  lastDay: string;
}

/**
 * Series and windows start and end within these instants, so their days are valid dates for the
 * database (PostgreSQL has no year 0) and the day after the last one is still a 4-digit year.
 */
export const EARLIEST_INSTANT = new Date(Date.UTC(1000, 0, 1));
export const LATEST_INSTANT = new Date(Date.UTC(9999, 0, 1));

function assertInRange(instant: Date, argument: string): void {
  if (instant.getTime() >= EARLIEST_INSTANT.getTime() && instant.getTime() <= LATEST_INSTANT.getTime()) return;
  throw badUserInput(`\`${argument}\` must be between ${EARLIEST_INSTANT.toISOString()} and ${LATEST_INSTANT.toISOString()}.`, {
    argument,
  });
}

/** A series' days and bucket starts: `from` rounded down to its bucket, up to the last day starting before `to`. */
export function seriesBuckets(from: Date, to: Date, interval: Interval, timeZone: string): DayRange & { buckets: string[] } {
  assertInRange(from, 'from');
  assertInRange(to, 'to');
  if (!(to.getTime() > from.getTime())) throw badUserInput('`to` must be after `from`.', { argument: 'to' });
  const firstDay = bucketOf(dayOf(from, timeZone), interval);
  const lastDay = dayOf(new Date(to.getTime() - 1), timeZone);
  const buckets: string[] = [];
  for (let b = firstDay; b <= lastDay; b = nextBucket(b, interval)) {
    buckets.push(b);
    if (buckets.length > MAX_POINTS) {
      throw badUserInput(`A series may have at most ${MAX_POINTS} points; use a larger interval or a shorter range.`, {
        argument: 'interval',
      });
    }
  }
  return { firstDay, lastDay, buckets };
}

/**
 * How many points a series from `from` to `to` in `timeZone` has, without building it: used to
 * price a query before it runs. Exact for a known zone (the edges are the same local days
 * `seriesBuckets` uses, so a DST change or a zone's skipped day cannot make it low); an unknown
 * zone is priced as UTC (the series itself is then refused). 0 when the range is empty (the series
 * is then refused); capped just above MAX_POINTS (beyond it the series is refused).
 */
export function seriesPointsAtMost(from: Date, to: Date, interval: Interval, timeZone = 'UTC'): number {
  let zone = timeZone;
  try {
    canonicalZone(zone);
  } catch {
    zone = 'UTC';
  }
  // Out-of-range edges are refused by seriesBuckets; clamped here so the days stay 4-digit years.
  const start = Math.max(from.getTime(), EARLIEST_INSTANT.getTime());
  const end = Math.min(to.getTime(), LATEST_INSTANT.getTime() + DAY_MS);
  if (!(end > start)) return 0;
  const first = bucketOf(dayOf(new Date(start), zone), interval);
  const last = dayOf(new Date(end - 1), zone);
  let points: number;
  if (interval === 'MONTH') {
    points = (Number(last.slice(0, 4)) - Number(first.slice(0, 4))) * 12 + (Number(last.slice(5, 7)) - Number(first.slice(5, 7))) + 1;
  } else {
    const days = Math.round((Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / DAY_MS);
    points = Math.floor(days / (interval === 'WEEK' ? 7 : 1)) + 1;
  }
  return Math.min(Math.max(points, 0), MAX_POINTS + 1);
}

export interface WindowInput {
  from?: Date | null;
  to?: Date | null;
  lastDays?: number | null;
}

/**
 * Days of a TimeWindow: exactly one of `from` (with optional `to`, default now) or `lastDays`
 * (N whole UTC days ending today: from the start of the day N-1 days ago to now).
 */
export function windowDays(window: WindowInput, now: Date): DayRange {
  const hasRange = window.from != null || window.to != null;
  const hasLast = window.lastDays != null;
  if (hasRange === hasLast) throw badUserInput('A time window needs exactly one of `from`/`to` or `lastDays`.', { argument: 'window' });
  if (hasLast) {
    const n = window.lastDays as number;
    if (!Number.isInteger(n) || n < 1 || n > 3660)
      throw badUserInput('`lastDays` must be between 1 and 3660.', { argument: 'window.lastDays' });
    const today = dayOf(now);
    return { firstDay: addDays(today, -(n - 1)), lastDay: today };
  }
  if (window.from == null) throw badUserInput('A time window with `to` needs `from`.', { argument: 'window.from' });
  const to = window.to ?? now;
  assertInRange(window.from, 'window.from');
  assertInRange(to, 'window.to');
  if (!(to.getTime() > window.from.getTime())) throw badUserInput('`to` must be after `from`.', { argument: 'window.to' });
  return { firstDay: dayOf(window.from), lastDay: dayOf(new Date(to.getTime() - 1)) };
}
