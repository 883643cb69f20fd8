import { sql } from 'drizzle-orm';
import { type Queryable, rows } from '../db/client.ts';
import { accountDaily, eventNames, events, metricDaily, metricReach, propertyDaily, users } from '../db/schema.ts';
import { alias, tableAs } from '../db/sql.ts';

// The derived tables of events recounted from the raw rows, next to what the fold maintains: what
// tests compare after any interleaving of acknowledgements, folds, link changes and purges. Slow
// (it groups every event of the workspace): for tests and checks, never for a request.

/** One derived table, as maintained and as recounted, each sorted the same way (rows at zero left out). */
export interface Recount {
  maintained: string[];
  recounted: string[];
}

const e = alias(events, 'e');
const u = alias(users, 'u');

/** The events with their effective account and UTC day (a subquery). */
const attributed = (workspaceId: string) => sql`(
  select ${e.name} as name, (${e.occurredAt} at time zone 'UTC')::date::text as day, ${e.userId} as user_id,
    coalesce(${e.accountId}, '') as explicit, coalesce(${e.accountId}, ${u.accountId}) as account_id, ${e.properties} as properties
  from ${tableAs(e)} left join ${tableAs(u)} on ${u.workspaceId} = ${workspaceId} and ${u.id} = ${e.userId}
  where ${e.workspaceId} = ${workspaceId}) as a`;

async function lines(q: Queryable, query: ReturnType<typeof sql>): Promise<string[]> {
  return (await rows<{ line: string }>(q, query)).map((row) => row.line);
}

/** Every derived table of the workspace's events that a recount can check, by table name. */
export async function recountRollups(
  q: Queryable,
  workspaceId: string,
): Promise<Record<'metric_daily' | 'account_daily' | 'property_daily' | 'metric_reach' | 'event_names', Recount>> {
  const m = metricDaily;
  const ad = accountDaily;
  const p = propertyDaily;
  const r = metricReach;
  const n = eventNames;
  return {
    metric_daily: {
      maintained: await lines(
        q,
        sql`select concat_ws('|', ${m.name}, ${m.day}::text, ${m.userId}, ${m.explicitAccountId}, ${m.accountId}, ${m.count}) as line
          from ${m} where ${m.workspaceId} = ${workspaceId} and ${m.count} > 0 order by 1`,
      ),
      recounted: await lines(
        q,
        sql`select concat_ws('|', name, day, user_id, explicit, account_id, count(*)) as line from ${attributed(workspaceId)}
          group by name, day, user_id, explicit, account_id order by 1`,
      ),
    },
    account_daily: {
      maintained: await lines(
        q,
        sql`select concat_ws('|', ${ad.name}, ${ad.day}::text, ${ad.accountId}, ${ad.count}) as line
          from ${ad} where ${ad.workspaceId} = ${workspaceId} and ${ad.count} > 0 order by 1`,
      ),
      recounted: await lines(
        q,
        sql`select concat_ws('|', name, day, account_id, count(*)) as line from ${attributed(workspaceId)}
          where account_id is not null group by name, day, account_id order by 1`,
      ),
    },
    property_daily: {
      maintained: await lines(
        q,
        sql`select concat_ws('|', ${p.property}, ${p.name}, ${p.day}::text, ${p.userId}, ${p.accountId}, ${p.n}, ${p.sum}::numeric) as line
          from ${p} where ${p.workspaceId} = ${workspaceId} and ${p.n} > 0 order by 1`,
      ),
      recounted: await lines(
        q,
        sql`select concat_ws('|', x.key, name, day, user_id, account_id, count(*), sum(x.value::numeric)) as line
          from ${attributed(workspaceId)}, jsonb_each(properties) as x(key, value)
          where jsonb_typeof(x.value) = 'number' group by x.key, name, day, user_id, explicit, account_id order by 1`,
      ),
    },
    metric_reach: {
      maintained: await lines(
        q,
        sql`select concat_ws('|', ${r.object}, ${r.key}, ${r.recordId}, ${r.count}) as line
          from ${r} where ${r.workspaceId} = ${workspaceId} and ${r.kind} = 'COUNT' and ${r.count} > 0 order by 1`,
      ),
      recounted: await lines(
        q,
        sql`select concat_ws('|', o.object, name, o.record_id, count(*)) as line
          from ${attributed(workspaceId)} cross join lateral (values ('ACCOUNT', account_id), ('USER', user_id)) as o(object, record_id)
          where o.record_id is not null group by o.object, name, o.record_id order by 1`,
      ),
    },
    event_names: {
      maintained: await lines(
        q,
        sql`select concat_ws('|', ${n.name}, ${n.eventCount}) as line from ${n} where ${n.workspaceId} = ${workspaceId} and ${n.eventCount} > 0 order by 1`,
      ),
      recounted: await lines(
        q,
        sql`select concat_ws('|', ${e.name}, count(*)) as line from ${tableAs(e)} where ${e.workspaceId} = ${workspaceId} group by ${e.name} order by 1`,
      ),
    },
  };
}
