import { sql } from 'drizzle-orm';
import { boundedInt } from '../catalog/service.ts';
import type { Context } from '../context.ts';
import { jsonParam, rows } from '../db/client.ts';
import { metricDaily } from '../db/schema.ts';
import { alias, tableAs } from '../db/sql.ts';
import { assertStorable, badUserInput } from '../errors.ts';
import { DEFAULT_WINDOW } from './measures.ts';
import { type WindowInput, windowDays } from './time.ts';

// `Query.eventReach`: how widely each of some events was used over a window, read from the per-day
// rollups (one row per event, day, user and account), so the answer is exact and costs one statement.

export const MAX_REACH_EVENTS = 1000;

export interface EventReach {
  event: string;
  accounts: number;
  users: number;
}

export interface EventReachArgs {
  events: readonly string[];
  window?: WindowInput | null;
  first?: number | null;
}

/** The daily counts of the ranked events. */
const d = alias(metricDaily, 'd');

export async function eventReach(ctx: Context, args: EventReachArgs): Promise<EventReach[]> {
  const names = [...new Set(args.events)];
  if (names.length < 1 || names.length > MAX_REACH_EVENTS) {
    throw badUserInput(`\`events\` must name between 1 and ${MAX_REACH_EVENTS} events.`, { argument: 'events' });
  }
  for (const name of names) assertStorable(name, 'events');
  const first = boundedInt(args.first, 10, 'first');
  const days = windowDays(args.window ?? DEFAULT_WINDOW, ctx.now());
  return rows<EventReach>(
    ctx.db,
    sql`select k.name as event, count(distinct ${d.accountId})::int as accounts, count(distinct ${d.userId})::int as users
        from jsonb_array_elements_text(${jsonParam(names)}) as k(name)
        left join ${tableAs(d)} on ${d.workspaceId} = ${ctx.workspaceId} and ${d.name} = k.name
          and ${d.day} >= ${days.firstDay}::date and ${d.day} <= ${days.lastDay}::date
        group by k.name
        order by accounts desc, users desc, k.name
        limit ${first}::int`,
  );
}
