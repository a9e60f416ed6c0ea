-- Issue 13 item 6, the old clinic told what became of its late edits, and the move wait kept by the platform.
-- `parked.why`: why an edit was parked or where it was forwarded, as JSON the device shows in its own words
-- (platform/moved-edits.ts `LateEditWhy`: a code, the fields changed both ways, the destination clinic and village).
-- NULL on rows written before this migration: the device then shows the general reason (moved out of its villages).
ALTER TABLE parked ADD COLUMN why text;

-- Settings the operator chooses for the running platform (`platform config`, `serve --move-wait-days`), so an
-- offline `platform status` reports what the server uses. One row per key; the value is JSON.
CREATE TABLE platform_settings (
  key text PRIMARY KEY,
  value text NOT NULL,
  set_at bigint NOT NULL,
  set_by text NOT NULL
);
