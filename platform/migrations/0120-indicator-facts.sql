-- 县级报表 at county scale (issue 15 item 8): each document's indicator record (shared/domain/indicators/from-documents),
-- kept beside the document so the county report reads ~300 bytes per encounter instead of its whole body (~1.3 KB) and
-- does not parse forms again. A row is valid only while its seq equals the document's (any write, move or amendment
-- takes a new seq) and its version equals platform/county/facts.ts FACTS_VERSION; otherwise the report maps the body
-- again and replaces the row. Rows follow their document on an id rewrite and go with it on delete.
CREATE TABLE indicator_facts (
  collection text NOT NULL,
  id text NOT NULL,
  seq bigint NOT NULL,
  version integer NOT NULL,
  record text NOT NULL,
  PRIMARY KEY (collection, id),
  FOREIGN KEY (collection, id) REFERENCES documents (collection, id) ON UPDATE CASCADE ON DELETE CASCADE
);
