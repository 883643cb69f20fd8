CREATE TABLE "field_changes" (
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "field_changes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"workspace_id" text NOT NULL,
	"object" text NOT NULL,
	"changes" jsonb NOT NULL,
	CONSTRAINT "field_changes_workspace_id_object_id_pk" PRIMARY KEY("workspace_id","object","id")
);
--> statement-breakpoint
ALTER TABLE "field_stats" ADD COLUMN "distinct_numbers" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "field_stats" ADD COLUMN "sample_shift" smallint DEFAULT 0 NOT NULL;
--> statement-breakpoint
-- Backfill: the distinct numeric values of each field (every field is exact until its next write).
UPDATE "field_stats" s SET "distinct_numbers" = n.count
FROM (
  SELECT workspace_id, object, key, count(*) AS count FROM "field_values"
  WHERE jsonb_typeof(value) = 'number' GROUP BY workspace_id, object, key
) AS n
WHERE n.workspace_id = s.workspace_id AND n.object = s.object AND n.key = s.key;
