DROP INDEX "metric_daily_account_idx";--> statement-breakpoint
CREATE INDEX "metric_daily_account_idx" ON "metric_daily" USING btree ("workspace_id","account_id","name","day","count");