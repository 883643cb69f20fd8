CREATE TABLE "meaning_overrides" (
	"workspace_id" text NOT NULL,
	"target" text NOT NULL,
	"key" text NOT NULL,
	"meaning" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meaning_overrides_workspace_id_target_key_pk" PRIMARY KEY("workspace_id","target","key")
);
