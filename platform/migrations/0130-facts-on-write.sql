-- 县级报表 at county scale (issue 15 item 8): each document's indicator record is now kept current by the write itself,
-- in the write's own transaction (platform/county/facts.ts `writeFacts`), so a report reads only these rows and never
-- a document's body. Replaces 0120's table, whose rows were made when a report first needed them.
--   seq: the document's change sequence the record was made from. A record is never replaced by one made from an
--        older seq, so a rebuild racing a push cannot put back what the push replaced.
--   village_code, resident_id: what a report reads by (one village, in resident order).
--   record: the compact record (facts-record.ts); '' for a document that counts for nothing (deleted, a draft).
DROP TABLE indicator_facts;

CREATE TABLE indicator_facts (
  collection text NOT NULL,
  id text NOT NULL,
  seq bigint NOT NULL,
  village_code text,
  resident_id text NOT NULL,
  record text NOT NULL,
  PRIMARY KEY (collection, id),
  FOREIGN KEY (collection, id) REFERENCES documents (collection, id) ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX indicator_facts_by_village ON indicator_facts (village_code, resident_id, collection, id);

-- Documents whose record is missing or out of date. Every insert or update of a document of the three collections
-- lands here (the triggers below), whoever writes it; the platform's write paths make the record and clear the mark
-- in the same transaction, and whatever is left (a writer that does not, a new FACTS_VERSION) is made in batches
-- before the next report (facts.ts `rebuildFacts`), resumable because the marks are committed.
CREATE TABLE indicator_facts_stale (
  collection text NOT NULL,
  id text NOT NULL,
  PRIMARY KEY (collection, id),
  FOREIGN KEY (collection, id) REFERENCES documents (collection, id) ON UPDATE CASCADE ON DELETE CASCADE
);

-- The FACTS_VERSION the records were made with ('' until the platform first checks it: everything is stale then).
CREATE TABLE indicator_facts_version (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  version text NOT NULL
);
INSERT INTO indicator_facts_version (only_row, version) VALUES (true, '');

CREATE FUNCTION indicator_facts_mark_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO indicator_facts_stale (collection, id)
  SELECT collection, id FROM changed WHERE collection IN ('residents', 'encounters', 'contracts')
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

CREATE TRIGGER indicator_facts_after_insert AFTER INSERT ON documents REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION indicator_facts_mark_stale();
CREATE TRIGGER indicator_facts_after_update AFTER UPDATE ON documents REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION indicator_facts_mark_stale();

INSERT INTO indicator_facts_stale (collection, id)
SELECT collection, id FROM documents WHERE collection IN ('residents', 'encounters', 'contracts');
