-- 同一人两份档案 (issue 13 item 5): every live resident's ID number in its 18-character form, indexed, so a push
-- finds an earlier record of the same person with one index lookup instead of a scan of every resident body.
CREATE TABLE resident_id_numbers (
  resident_id text PRIMARY KEY,
  id_number text NOT NULL,
  village_code text NOT NULL,
  clinic_code text NOT NULL,
  device_id text NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX resident_id_numbers_by_number ON resident_id_numbers (id_number);

-- One row per detected pair (id = the review item's id, the same on every device). The first settlement that reaches
-- the platform is the decision (`decision` holds the settled review item); a later, different one is answered with it.
CREATE TABLE duplicate_pairs (
  id text PRIMARY KEY,
  first_id text NOT NULL,
  second_id text NOT NULL,
  detected_at bigint NOT NULL,
  settled_at bigint,
  settled_by_device text,
  kept_id text,
  merged_id text,
  decision text
);
CREATE INDEX duplicate_pairs_by_merged ON duplicate_pairs (merged_id);
