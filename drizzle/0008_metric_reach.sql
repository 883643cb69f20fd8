CREATE TABLE "metric_reach" (
	"workspace_id" text NOT NULL,
	"kind" text NOT NULL,
	"object" text NOT NULL,
	"key" text NOT NULL,
	"record_id" text NOT NULL,
	"count" bigint NOT NULL,
	"previous_count" bigint DEFAULT 0 NOT NULL,
	"total" numeric DEFAULT '0' NOT NULL,
	"first_at" timestamp with time zone,
	"last_at" timestamp with time zone,
	CONSTRAINT "metric_reach_workspace_id_kind_object_key_record_id_pk" PRIMARY KEY("workspace_id","kind","object","key","record_id")
);
--> statement-breakpoint
CREATE TABLE "metric_reach_counts" (
	"workspace_id" text NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"shard" smallint NOT NULL,
	"users" bigint NOT NULL,
	"accounts" bigint NOT NULL,
	CONSTRAINT "metric_reach_counts_workspace_id_kind_key_shard_pk" PRIMARY KEY("workspace_id","kind","key","shard")
);
--> statement-breakpoint
-- Backfill from the rollups (src/ingest/queries.ts maintains them from now on).
INSERT INTO "metric_reach" ("workspace_id", "kind", "object", "key", "record_id", "count")
SELECT workspace_id, 'COUNT', 'USER', name, user_id, sum(count) FROM "metric_daily" GROUP BY workspace_id, name, user_id
UNION ALL
SELECT workspace_id, 'COUNT', 'ACCOUNT', name, account_id, sum(count) FROM "metric_daily"
WHERE account_id IS NOT NULL GROUP BY workspace_id, name, account_id
UNION ALL
SELECT workspace_id, 'VALUE', 'USER', property, user_id, sum(n) FROM "property_daily" GROUP BY workspace_id, property, user_id
UNION ALL
SELECT workspace_id, 'VALUE', 'ACCOUNT', property, account_id, sum(n) FROM "property_daily"
WHERE account_id IS NOT NULL GROUP BY workspace_id, property, account_id;
--> statement-breakpoint
INSERT INTO "metric_reach" ("workspace_id", "kind", "object", "key", "record_id", "count", "total", "first_at", "last_at")
SELECT workspace_id, 'VALUE', 'NAME', property, name, sum(n), sum(sum), min(day)::timestamp AT TIME ZONE 'UTC', max(last_at)
FROM "property_daily" GROUP BY workspace_id, property, name;
--> statement-breakpoint
INSERT INTO "metric_reach_counts" ("workspace_id", "kind", "key", "shard", "users", "accounts")
SELECT workspace_id, kind, key, 0, count(*) FILTER (WHERE object = 'USER'), count(*) FILTER (WHERE object = 'ACCOUNT')
FROM "metric_reach" WHERE object IN ('USER', 'ACCOUNT') AND count > 0
GROUP BY workspace_id, kind, key;
