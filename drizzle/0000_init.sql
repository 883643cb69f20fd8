CREATE TABLE "accounts" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"dims" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"first_received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"scopes" text[] NOT NULL,
	"integration" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"last_ingest_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	CONSTRAINT "api_keys_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "catalog_fields" (
	"workspace_id" text NOT NULL,
	"object" text NOT NULL,
	"key" text NOT NULL,
	"label" text NOT NULL,
	"type" text,
	"declared_type" text,
	"semantic" text,
	"is_default" boolean DEFAULT false NOT NULL,
	"first_seen_at" timestamp with time zone,
	"last_seen_at" timestamp with time zone,
	CONSTRAINT "catalog_fields_workspace_id_object_key_pk" PRIMARY KEY("workspace_id","object","key")
);
--> statement-breakpoint
CREATE TABLE "event_name_counters" (
	"workspace_id" text NOT NULL,
	"name" text NOT NULL,
	"shard" smallint NOT NULL,
	"event_count" bigint NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "event_name_counters_workspace_id_name_shard_pk" PRIMARY KEY("workspace_id","name","shard")
);
--> statement-breakpoint
CREATE TABLE "events" (
	"workspace_id" text NOT NULL,
	"dedup_key" text NOT NULL,
	"event_id" text,
	"name" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"user_id" text NOT NULL,
	"account_id" text,
	"properties" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "events_workspace_id_dedup_key_pk" PRIMARY KEY("workspace_id","dedup_key")
);
--> statement-breakpoint
CREATE TABLE "metric_daily" (
	"workspace_id" text NOT NULL,
	"name" text NOT NULL,
	"day" date NOT NULL,
	"user_id" text NOT NULL,
	"explicit_account_id" text NOT NULL,
	"account_id" text,
	"count" bigint NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "metric_daily_workspace_id_name_day_user_id_explicit_account_id_pk" PRIMARY KEY("workspace_id","name","day","user_id","explicit_account_id")
);
--> statement-breakpoint
CREATE TABLE "property_daily" (
	"workspace_id" text NOT NULL,
	"property" text NOT NULL,
	"name" text NOT NULL,
	"day" date NOT NULL,
	"user_id" text NOT NULL,
	"explicit_account_id" text NOT NULL,
	"account_id" text,
	"n" bigint NOT NULL,
	"sum" double precision NOT NULL,
	"min" double precision NOT NULL,
	"max" double precision NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	"last_value" double precision NOT NULL,
	CONSTRAINT "property_daily_workspace_id_property_name_day_user_id_explicit_account_id_pk" PRIMARY KEY("workspace_id","property","name","day","user_id","explicit_account_id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"dims" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"account_id" text GENERATED ALWAYS AS ((dims ->> 'accountId')) STORED,
	"first_received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "workspaces" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "accounts_dims_idx" ON "accounts" USING gin ("dims" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "api_keys_hash_idx" ON "api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "events_user_time_idx" ON "events" USING btree ("workspace_id","user_id","occurred_at" DESC NULLS LAST,"dedup_key");--> statement-breakpoint
CREATE INDEX "events_name_time_idx" ON "events" USING btree ("workspace_id","name","occurred_at");--> statement-breakpoint
CREATE INDEX "metric_daily_account_idx" ON "metric_daily" USING btree ("workspace_id","account_id","name","day");--> statement-breakpoint
CREATE INDEX "metric_daily_user_idx" ON "metric_daily" USING btree ("workspace_id","user_id","name","day");--> statement-breakpoint
CREATE INDEX "property_daily_account_idx" ON "property_daily" USING btree ("workspace_id","account_id","property","day");--> statement-breakpoint
CREATE INDEX "property_daily_user_idx" ON "property_daily" USING btree ("workspace_id","user_id","property","day");--> statement-breakpoint
CREATE INDEX "users_account_idx" ON "users" USING btree ("workspace_id","account_id","id");--> statement-breakpoint
CREATE INDEX "users_dims_idx" ON "users" USING gin ("dims" jsonb_path_ops);--> statement-breakpoint
CREATE VIEW "public"."event_names" AS (select workspace_id, name, sum(event_count)::bigint as event_count, min(first_at) as first_at, max(last_at) as last_at from event_name_counters group by workspace_id, name);