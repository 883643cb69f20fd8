ALTER TABLE "property_daily" ALTER COLUMN "sum" SET DATA TYPE numeric;--> statement-breakpoint
-- hand-written:
-- Client eventIds shaped like a content key (`h:<64 hex>`) or starting with `id:` are now stored
-- under `id:<eventId>` (src/ingest/records.ts, eventIdKey), so they can never collide with the
-- content hash of another event. Re-key the events stored under the old rule so that their
-- replays stay DUPLICATE. Two steps, because a chain (`h:…` → `id:h:…` → `id:id:h:…`) renamed in
-- one statement could hit the primary key midway: first to a key no event can have (eventIds are
-- stored trimmed, so none starts with a space), then to the final key.
UPDATE "events" SET "dedup_key" = ' ' || "dedup_key"
WHERE "event_id" IS NOT NULL AND "dedup_key" = "event_id" AND ("dedup_key" ~ '^h:[0-9a-f]{64}$' OR "dedup_key" LIKE 'id:%');--> statement-breakpoint
UPDATE "events" SET "dedup_key" = 'id:' || substr("dedup_key", 2) WHERE "dedup_key" LIKE ' %';
