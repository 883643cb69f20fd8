CREATE TABLE "rollup_answers" (
	"workspace_id" text NOT NULL,
	"key" text NOT NULL,
	"version" bigint NOT NULL,
	"value" jsonb NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rollup_answers_workspace_id_key_pk" PRIMARY KEY("workspace_id","key")
);
--> statement-breakpoint
CREATE TABLE "rollup_versions" (
	"workspace_id" text NOT NULL,
	"name" text NOT NULL,
	"week" date NOT NULL,
	"shard" smallint NOT NULL,
	"version" bigint NOT NULL,
	CONSTRAINT "rollup_versions_workspace_id_name_week_shard_pk" PRIMARY KEY("workspace_id","name","week","shard")
);
--> statement-breakpoint
CREATE INDEX "rollup_answers_age_idx" ON "rollup_answers" USING btree ("workspace_id","computed_at");