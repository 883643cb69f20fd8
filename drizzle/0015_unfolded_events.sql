CREATE TABLE "unfolded_events" (
	"workspace_id" text NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "unfolded_events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"dedup_key" text NOT NULL,
	CONSTRAINT "unfolded_events_workspace_id_seq_pk" PRIMARY KEY("workspace_id","seq")
);
