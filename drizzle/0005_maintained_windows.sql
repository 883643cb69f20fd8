CREATE TABLE "metric_window_totals" (
	"workspace_id" text NOT NULL,
	"name" text NOT NULL,
	"object" text NOT NULL,
	"first_day" date NOT NULL,
	"last_day" date NOT NULL,
	"record_id" text NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "metric_window_totals_workspace_id_name_object_first_day_last_day_record_id_pk" PRIMARY KEY("workspace_id","name","object","first_day","last_day","record_id")
);
--> statement-breakpoint
CREATE TABLE "metric_windows" (
	"workspace_id" text NOT NULL,
	"object" text NOT NULL,
	"name" text NOT NULL,
	"first_day" date NOT NULL,
	"last_day" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "metric_windows_workspace_id_name_object_first_day_last_day_pk" PRIMARY KEY("workspace_id","name","object","first_day","last_day")
);
--> statement-breakpoint
CREATE INDEX "metric_window_totals_rank_idx" ON "metric_window_totals" USING btree ("workspace_id","name","object","first_day","last_day","count" DESC NULLS LAST,"record_id");