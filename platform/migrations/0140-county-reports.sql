-- 县级报表 at county scale (issue 15 items 5 and 8): each clinic's report for a period is computed once from the
-- indicator records and kept here, until what it was computed from changes (platform/county/report.ts).
--   indicator_facts_changes: a counter per village that every statement writing indicator_facts (insert, update,
--        delete, the cascades from documents included) moves for the villages of the rows it wrote, old and new
--        village alike (a move changes two). A village without a row has had nothing written since this migration
--        (read as 0); no report is stored from before it. Counters only grow, inside the write's own transaction, so a report
--        computed from a snapshot is stored with the counters of that snapshot and any later write shows.
--   county_reports: one clinic's figures for one period (report JSON), with `inputs`, the digest of what they were
--        computed from (the code's version, the records' version, the clinic's villages and their counters, the
--        clinic's settings documents and their seqs). A report whose digest differs is computed again.
CREATE TABLE indicator_facts_changes (
  village_code text PRIMARY KEY,
  changes bigint NOT NULL
);

CREATE FUNCTION indicator_facts_count_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO indicator_facts_changes (village_code, changes)
  SELECT village_code, 1 FROM (SELECT DISTINCT village_code FROM changed WHERE village_code IS NOT NULL) v ORDER BY village_code
  ON CONFLICT (village_code) DO UPDATE SET changes = indicator_facts_changes.changes + 1;
  RETURN NULL;
END
$$;

CREATE FUNCTION indicator_facts_count_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO indicator_facts_changes (village_code, changes)
  SELECT village_code, 1 FROM (
    SELECT village_code FROM new_rows WHERE village_code IS NOT NULL
    UNION
    SELECT village_code FROM old_rows WHERE village_code IS NOT NULL
  ) v ORDER BY village_code
  ON CONFLICT (village_code) DO UPDATE SET changes = indicator_facts_changes.changes + 1;
  RETURN NULL;
END
$$;

CREATE TRIGGER indicator_facts_changes_insert AFTER INSERT ON indicator_facts REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION indicator_facts_count_new();
CREATE TRIGGER indicator_facts_changes_delete AFTER DELETE ON indicator_facts REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION indicator_facts_count_new();
CREATE TRIGGER indicator_facts_changes_update AFTER UPDATE ON indicator_facts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION indicator_facts_count_updated();

CREATE TABLE county_reports (
  clinic_code text NOT NULL REFERENCES clinics (code) ON DELETE CASCADE,
  period_key text NOT NULL,
  inputs text NOT NULL,
  report text NOT NULL,
  computed_at bigint NOT NULL,
  PRIMARY KEY (clinic_code, period_key)
);
