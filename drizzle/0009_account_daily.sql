CREATE TABLE "account_daily" (
	"workspace_id" text NOT NULL,
	"name" text NOT NULL,
	"day" date NOT NULL,
	"account_id" text NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "account_daily_workspace_id_name_day_account_id_pk" PRIMARY KEY("workspace_id","name","day","account_id")
);
--> statement-breakpoint
CREATE INDEX "account_daily_account_idx" ON "account_daily" USING btree ("workspace_id","account_id","name","day","count");--> statement-breakpoint
-- Backfill from the per-user rollup (src/ingest/queries.ts maintains it from now on).
INSERT INTO "account_daily" ("workspace_id", "name", "day", "account_id", "count")
SELECT workspace_id, name, day, account_id, sum(count) FROM "metric_daily"
WHERE account_id IS NOT NULL
GROUP BY workspace_id, name, day, account_id;
