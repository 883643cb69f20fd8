import type { TestApp } from './harness.ts';
import { query, sql } from './sql.ts';

/**
 * Every maintained window's totals (events and, for accounts, distinct users) and each account's
 * per-user counts (`metric_window_members`) next to a recount from events (effective account =
 * explicit, else the user's). Rows that differ; none when they agree.
 */
export async function windowDrift(t: TestApp, workspaceId: string) {
  const recount = sql`
      select w.kind, w.name, w.object, w.first_day, w.last_day, e.user_id,
             case when w.object = 'ACCOUNT' then coalesce(e.account_id, u.account_id) else e.user_id end as rid
      from metric_windows w
      join events e on e.workspace_id = w.workspace_id and e.name = any(w.names)
        and (e.occurred_at at time zone 'UTC')::date between w.first_day and w.last_day
      left join users u on u.workspace_id = e.workspace_id and u.id = e.user_id
      where w.workspace_id = ${workspaceId}`;
  const totals = await query(
    t,
    sql`
    with raw as (
      select kind, name, object, first_day, last_day, rid, count(*)::int as n,
        (case when object = 'ACCOUNT' then count(distinct user_id) else 0 end)::int as users
      from (${recount}) as r where rid is not null group by 1, 2, 3, 4, 5, 6
    ), kept as (
      select kind, name, object, first_day, last_day, record_id as rid, count::int as n, users::int as users
      from metric_window_totals where workspace_id = ${workspaceId} and (count <> 0 or users <> 0)
    )
    select * from raw full join kept using (kind, name, object, first_day, last_day, rid)
    where raw.n is distinct from kept.n or raw.users is distinct from kept.users`,
  );
  const members = await query(
    t,
    sql`
    with raw as (
      select kind, name, first_day, last_day, rid, user_id, count(*)::int as n
      from (${recount}) as r where object = 'ACCOUNT' and rid is not null group by 1, 2, 3, 4, 5, 6
    ), kept as (
      select kind, name, first_day, last_day, account_id as rid, user_id, count::int as n
      from metric_window_members where workspace_id = ${workspaceId} and count <> 0
    )
    select * from raw full join kept using (kind, name, first_day, last_day, rid, user_id)
    where raw.n is distinct from kept.n`,
  );
  return [...totals, ...members];
}
