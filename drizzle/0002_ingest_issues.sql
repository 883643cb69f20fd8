CREATE TABLE "ingest_issues" (
	"workspace_id" text NOT NULL,
	"object" text NOT NULL,
	"field" text NOT NULL,
	"code" text NOT NULL,
	"count" bigint NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"samples" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "ingest_issues_workspace_id_object_field_code_pk" PRIMARY KEY("workspace_id","object","field","code")
);
--> statement-breakpoint
CREATE INDEX "ingest_issues_recent_idx" ON "ingest_issues" USING btree ("workspace_id","last_seen_at");