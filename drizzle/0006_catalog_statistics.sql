CREATE TABLE "field_stats" (
	"workspace_id" text NOT NULL,
	"object" text NOT NULL,
	"key" text NOT NULL,
	"records" bigint NOT NULL,
	"distinct_values" bigint NOT NULL,
	"numbers" bigint NOT NULL,
	"number_sum" numeric NOT NULL,
	CONSTRAINT "field_stats_workspace_id_object_key_pk" PRIMARY KEY("workspace_id","object","key")
);
--> statement-breakpoint
CREATE TABLE "field_values" (
	"workspace_id" text NOT NULL,
	"object" text NOT NULL,
	"key" text NOT NULL,
	"value" jsonb NOT NULL,
	"value_hash" text GENERATED ALWAYS AS (md5(case when jsonb_typeof(value) = 'number' then trim_scale((value)::numeric)::text else value::text end)) STORED NOT NULL,
	"indexed" boolean GENERATED ALWAYS AS (octet_length(value::text) <= 2000) STORED NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "field_values_workspace_id_object_key_value_hash_pk" PRIMARY KEY("workspace_id","object","key","value_hash")
);
--> statement-breakpoint
CREATE INDEX "field_values_top_idx" ON "field_values" USING btree ("workspace_id","object","key","count" DESC NULLS LAST,"value") WHERE indexed;--> statement-breakpoint
CREATE INDEX "field_values_long_idx" ON "field_values" USING btree ("workspace_id","object","key","count" DESC NULLS LAST) WHERE not indexed;--> statement-breakpoint
CREATE INDEX "field_values_number_idx" ON "field_values" USING btree ("workspace_id","object","key",(value::numeric)) WHERE jsonb_typeof(value) = 'number';--> statement-breakpoint
-- Backfill from the existing records (src/catalog/statistics.ts maintains them from now on).
INSERT INTO "field_values" ("workspace_id", "object", "key", "value", "count")
SELECT t.workspace_id, 'ACCOUNT', e.key, e.value, count(*)
FROM "accounts" t CROSS JOIN LATERAL jsonb_each(t.dims) AS e(key, value)
WHERE e.key <> 'id' AND jsonb_typeof(e.value) <> 'null'
GROUP BY t.workspace_id, e.key, e.value;
--> statement-breakpoint
INSERT INTO "field_values" ("workspace_id", "object", "key", "value", "count")
SELECT t.workspace_id, 'USER', e.key, e.value, count(*)
FROM "users" t CROSS JOIN LATERAL jsonb_each(t.dims) AS e(key, value)
WHERE e.key <> 'id' AND jsonb_typeof(e.value) <> 'null'
GROUP BY t.workspace_id, e.key, e.value;
--> statement-breakpoint
INSERT INTO "field_stats" ("workspace_id", "object", "key", "records", "distinct_values", "numbers", "number_sum")
SELECT workspace_id, object, key, sum(count), count(*),
  coalesce(sum(CASE WHEN jsonb_typeof(value) = 'number' THEN count END), 0),
  coalesce(sum(CASE WHEN jsonb_typeof(value) = 'number' THEN count * (value)::numeric END), 0)
FROM "field_values"
GROUP BY workspace_id, object, key;
--> statement-breakpoint
INSERT INTO "field_stats" ("workspace_id", "object", "key", "records", "distinct_values", "numbers", "number_sum")
SELECT workspace_id, 'ACCOUNT', 'id', count(*), count(*), 0, 0 FROM "accounts" GROUP BY workspace_id
UNION ALL
SELECT workspace_id, 'USER', 'id', count(*), count(*), 0, 0 FROM "users" GROUP BY workspace_id;
