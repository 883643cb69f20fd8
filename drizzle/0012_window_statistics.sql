-- Extended statistics on the window key: a window's rows share workspace, kind, name, object and
-- days, so the planner's per-column estimates multiply to about one row for a window of thousands,
-- and a lookup of a page's records could pick the rank index and walk the whole window (see
-- src/db/schema.ts, metricWindowTotals). Drizzle's schema cannot declare statistics objects: this
-- migration is hand-written (drizzle-kit generate --custom).
CREATE STATISTICS IF NOT EXISTS "metric_window_totals_window_stats" ON "workspace_id", "kind", "name", "object", "first_day", "last_day" FROM "metric_window_totals";--> statement-breakpoint
CREATE STATISTICS IF NOT EXISTS "metric_window_members_window_stats" ON "workspace_id", "kind", "name", "first_day", "last_day" FROM "metric_window_members";--> statement-breakpoint
ANALYZE "metric_window_totals";--> statement-breakpoint
ANALYZE "metric_window_members";
