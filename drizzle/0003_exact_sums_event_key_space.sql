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
--> statement-breakpoint
-- Custom date-times that earlier versions stored raw because JavaScript's Date.parse rejected
-- them (an hour-only offset such as `+02`, a `,` fraction, a lowercase `t` or `z`) are normalized to UTC ISO like
-- every other date-time, so filters compare instants (src/catalog/inference.ts, parseIsoDateTime).
-- Only fields not typed as text (text fields keep what was sent); a value PostgreSQL cannot read
-- stays as it is.
CREATE FUNCTION "correlated_0003_instants"(doc jsonb, text_keys text[]) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  k text;
  v text;
  result jsonb := doc;
BEGIN
  FOR k, v IN
    SELECT e.key, e.value #>> '{}' FROM jsonb_each(doc) AS e
    WHERE jsonb_typeof(e.value) = 'string' AND NOT (e.key = ANY (text_keys))
      AND e.value #>> '{}' ~ '^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?([Zz]|[+-]\d{2}(:?\d{2})?)?$'
      AND e.value #>> '{}' ~ '([+-]\d{2}$|,\d|\dt\d|\dz$)'
  LOOP
    BEGIN
      result := jsonb_set(result, ARRAY[k],
        to_jsonb(to_char(replace(v, ',', '.')::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')));
    EXCEPTION WHEN others THEN
      NULL;
    END;
  END LOOP;
  RETURN result;
END
$$;--> statement-breakpoint
UPDATE "accounts" AS t SET "dims" = "correlated_0003_instants"(t."dims", ARRAY(
  SELECT c."key" FROM "catalog_fields" c WHERE c."workspace_id" = t."workspace_id" AND c."object" = 'ACCOUNT'
    AND coalesce(c."declared_type", c."type") IN ('STRING', 'EMAIL', 'URL')))
WHERE t."dims"::text ~ '(\d[+-]\d{2}"|:\d{2},\d|\dt\d|\dz")';--> statement-breakpoint
UPDATE "users" AS t SET "dims" = "correlated_0003_instants"(t."dims", ARRAY(
  SELECT c."key" FROM "catalog_fields" c WHERE c."workspace_id" = t."workspace_id" AND c."object" = 'USER'
    AND coalesce(c."declared_type", c."type") IN ('STRING', 'EMAIL', 'URL')))
WHERE t."dims"::text ~ '(\d[+-]\d{2}"|:\d{2},\d|\dt\d|\dz")';--> statement-breakpoint
UPDATE "events" AS t SET "properties" = "correlated_0003_instants"(t."properties", ARRAY(
  SELECT c."key" FROM "catalog_fields" c WHERE c."workspace_id" = t."workspace_id" AND c."object" = 'EVENT'
    AND coalesce(c."declared_type", c."type") IN ('STRING', 'EMAIL', 'URL')))
WHERE t."properties"::text ~ '(\d[+-]\d{2}"|:\d{2},\d|\dt\d|\dz")';--> statement-breakpoint
DROP FUNCTION "correlated_0003_instants"(jsonb, text[]);
