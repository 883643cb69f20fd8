CREATE TABLE "metric_window_members" (
	"workspace_id" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"first_day" date NOT NULL,
	"last_day" date NOT NULL,
	"account_id" text NOT NULL,
	"user_id" text NOT NULL,
	"count" bigint NOT NULL,
	"previous_count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "metric_window_members_workspace_id_kind_name_first_day_last_day_account_id_user_id_pk" PRIMARY KEY("workspace_id","kind","name","first_day","last_day","account_id","user_id")
);
--> statement-breakpoint
-- Maintained windows are created on demand from the rollups: the ones kept so far are dropped here
-- (their totals had no unique users) and made again, with the new columns, by the next read that needs them.
DELETE FROM "metric_window_totals";
--> statement-breakpoint
DELETE FROM "metric_windows";
--> statement-breakpoint
DROP INDEX "metric_window_totals_rank_idx";
--> statement-breakpoint
ALTER TABLE "metric_window_totals" DROP CONSTRAINT "metric_window_totals_workspace_id_name_object_first_day_last_day_record_id_pk";
--> statement-breakpoint
ALTER TABLE "metric_windows" DROP CONSTRAINT "metric_windows_workspace_id_name_object_first_day_last_day_pk";
--> statement-breakpoint
ALTER TABLE "metric_window_totals" ADD COLUMN "kind" text NOT NULL;
--> statement-breakpoint
ALTER TABLE "metric_window_totals" ADD COLUMN "users" bigint DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "metric_windows" ADD COLUMN "kind" text NOT NULL;
--> statement-breakpoint
ALTER TABLE "metric_windows" ADD COLUMN "names" text[] NOT NULL;
--> statement-breakpoint
ALTER TABLE "metric_windows" ADD COLUMN "kept_until" date NOT NULL;
--> statement-breakpoint
ALTER TABLE "metric_window_totals" ADD CONSTRAINT "metric_window_totals_workspace_id_kind_name_object_first_day_last_day_record_id_pk" PRIMARY KEY("workspace_id","kind","name","object","first_day","last_day","record_id");
--> statement-breakpoint
ALTER TABLE "metric_windows" ADD CONSTRAINT "metric_windows_workspace_id_kind_name_object_first_day_last_day_pk" PRIMARY KEY("workspace_id","kind","name","object","first_day","last_day");
--> statement-breakpoint
CREATE INDEX "metric_window_totals_users_idx" ON "metric_window_totals" USING btree ("workspace_id","kind","name","object","first_day","last_day","users" DESC NULLS LAST,"record_id");
--> statement-breakpoint
CREATE INDEX "metric_window_totals_rank_idx" ON "metric_window_totals" USING btree ("workspace_id","kind","name","object","first_day","last_day","count" DESC NULLS LAST,"record_id");
