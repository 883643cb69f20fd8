DROP INDEX "metric_daily_user_idx";--> statement-breakpoint
CREATE INDEX "metric_daily_user_idx" ON "metric_daily" USING btree ("workspace_id","user_id","name","day","count");