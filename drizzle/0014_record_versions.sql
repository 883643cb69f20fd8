CREATE TABLE "record_versions" (
	"workspace_id" text NOT NULL,
	"object" text NOT NULL,
	"shard" smallint NOT NULL,
	"version" bigint NOT NULL,
	CONSTRAINT "record_versions_workspace_id_object_shard_pk" PRIMARY KEY("workspace_id","object","shard")
);
