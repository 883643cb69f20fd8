-- Rollups of a --large-sized workspace written directly (no ingest), to study read plans at scale in
-- about 20 minutes instead of a two-hour `npm run bench -- --large`: 100k accounts, 1M users, 10M
-- events over 180 days (users Zipf-like by power 2.5, the 12 names by power 3, days skewed recent),
-- rolled up into metric_daily and account_daily, plus the 90-day window totals of `Signed In` for
-- accounts and users. Run on an empty database migrated with drizzle/*.sql:
--   createdb -h 127.0.0.1 -U postgres rankx
--   for f in drizzle/0*.sql; do psql -h 127.0.0.1 -U postgres -d rankx -f $f; done
--   psql -h 127.0.0.1 -U postgres -d rankx -f bench/synthetic-rollups.sql
-- Used for docs/benchmarks.md, "Rankings over any other window" (2026-12-02).
\timing on
insert into accounts (workspace_id, id, dims)
  select 'w', 'a' || g, jsonb_build_object('name', 'Co ' || g, 'seats', g % 500) from generate_series(0, 99999) g;
insert into users (workspace_id, id, dims)
  select 'w', 'u' || g, jsonb_build_object('email', 'u' || g || '@x.io', 'accountId', 'a' || (g % 100000)) from generate_series(0, 999999) g;
create unlogged table ev as
  select floor(1000000 * power(random(), 2.5))::int as u,
    (array['Signed In', 'Viewed Page', 'Created Report', 'Ran Query', 'Invited User', 'Exported Data', 'Shared Dashboard',
      'Updated Settings', 'Uploaded File', 'Commented', 'Opened Ticket', 'Upgraded Plan'])[1 + floor(12 * power(random(), 3))::int] as name,
    (date '2026-12-01' - floor(180 * power(random(), 1.3))::int) as day
  from generate_series(1, 10000000);
insert into metric_daily
  select 'w', name, day, 'u' || u, '', 'a' || (u % 100000), count(*), max(day)::timestamptz from ev group by name, day, u;
insert into account_daily select workspace_id, name, day, account_id, sum(count) from metric_daily group by 1, 2, 3, 4;
insert into metric_window_totals (workspace_id, kind, name, object, first_day, last_day, record_id, count, users)
  select 'w', 'EVENT', 'Signed In', 'ACCOUNT', '2026-09-03', '2026-12-01', account_id, sum(count), 0
  from account_daily where name = 'Signed In' and day >= '2026-09-03' group by account_id;
insert into metric_window_totals (workspace_id, kind, name, object, first_day, last_day, record_id, count, users)
  select 'w', 'EVENT', 'Signed In', 'USER', '2026-09-03', '2026-12-01', user_id, sum(count), 0
  from metric_daily where name = 'Signed In' and day >= '2026-09-03' group by user_id;
drop table ev;
vacuum analyze;
