DROP INDEX "rollup_answers_age_idx";--> statement-breakpoint
ALTER TABLE "rollup_answers" ADD COLUMN "consumer" text DEFAULT 'SERIES' NOT NULL;--> statement-breakpoint
ALTER TABLE "rollup_answers" ADD COLUMN "used_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE INDEX "rollup_answers_use_idx" ON "rollup_answers" USING btree ("workspace_id","consumer","used_at");