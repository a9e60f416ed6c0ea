-- The sync state beside the county's figures (issue 15 item 8): each clinic's document count, kept by the writes
-- themselves in their own transaction, so `status` (the county page, `platform status`, /v1/admin/status) reads one
-- row per clinic instead of counting every document (a `count(*) … GROUP BY clinic_code` took 1.8 s at 2.7 million
-- documents). Counted as before: every row of `documents` under its clinic_code, tombstones included.
--   The triggers below see every insert, every update that changes clinic_code (a move to another clinic's village)
-- and every delete, whoever writes: the count cannot drift from the table. Each statement adds its net change per
-- clinic in one upsert, in clinic order (concurrent writers lock the rows in the same order), and an update that
-- keeps every document in its clinic nets to nothing and touches no row. TRUNCATE is not counted: nothing truncates
-- documents.
CREATE TABLE clinic_document_counts (
  clinic_code text PRIMARY KEY,
  documents bigint NOT NULL
);

INSERT INTO clinic_document_counts (clinic_code, documents) SELECT clinic_code, count(*) FROM documents GROUP BY clinic_code;

CREATE FUNCTION clinic_document_counts_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO clinic_document_counts (clinic_code, documents)
  SELECT clinic_code, count(*) FROM added GROUP BY clinic_code ORDER BY clinic_code
  ON CONFLICT (clinic_code) DO UPDATE SET documents = clinic_document_counts.documents + EXCLUDED.documents;
  RETURN NULL;
END
$$;

CREATE FUNCTION clinic_document_counts_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO clinic_document_counts (clinic_code, documents)
  SELECT clinic_code, sum(n) FROM (SELECT clinic_code, 1 AS n FROM added UNION ALL SELECT clinic_code, -1 AS n FROM removed) AS d
  GROUP BY clinic_code HAVING sum(n) <> 0 ORDER BY clinic_code
  ON CONFLICT (clinic_code) DO UPDATE SET documents = clinic_document_counts.documents + EXCLUDED.documents;
  RETURN NULL;
END
$$;

CREATE FUNCTION clinic_document_counts_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO clinic_document_counts (clinic_code, documents)
  SELECT clinic_code, -count(*) FROM removed GROUP BY clinic_code ORDER BY clinic_code
  ON CONFLICT (clinic_code) DO UPDATE SET documents = clinic_document_counts.documents + EXCLUDED.documents;
  RETURN NULL;
END
$$;

CREATE TRIGGER clinic_document_counts_insert AFTER INSERT ON documents REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION clinic_document_counts_after_insert();
CREATE TRIGGER clinic_document_counts_update AFTER UPDATE ON documents REFERENCING OLD TABLE AS removed NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION clinic_document_counts_after_update();
CREATE TRIGGER clinic_document_counts_delete AFTER DELETE ON documents REFERENCING OLD TABLE AS removed
  FOR EACH STATEMENT EXECUTE FUNCTION clinic_document_counts_after_delete();
