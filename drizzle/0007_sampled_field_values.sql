ALTER TABLE "field_stats" ADD COLUMN "distinct_numbers" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "field_stats" ADD COLUMN "sample_shift" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Backfill: the distinct numeric values of each field (every field is exact until its next write).
UPDATE "field_stats" s SET "distinct_numbers" = n.count
FROM (
  SELECT workspace_id, object, key, count(*) AS count FROM "field_values"
  WHERE jsonb_typeof(value) = 'number' GROUP BY workspace_id, object, key
) AS n
WHERE n.workspace_id = s.workspace_id AND n.object = s.object AND n.key = s.key;
