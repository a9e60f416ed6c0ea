-- Issue 13 items 2 and 6. A device's jurisdiction can be narrowed to some of its clinic's villages (a village
-- doctor's device holds only their villages): the enrolment code carries the villages and the device inherits them;
-- NULL means every village of the clinic, as before. Both are JSON arrays of 12-digit village codes.
ALTER TABLE enrolment_codes ADD COLUMN villages text;
ALTER TABLE devices ADD COLUMN villages text;

-- Every resident move the platform made (re-homing), audited: who asked, from where to where, how many documents.
CREATE TABLE moves (
  id bigserial PRIMARY KEY,
  resident_id text NOT NULL,
  from_village text NOT NULL,
  to_village text NOT NULL,
  from_clinic text NOT NULL,
  to_clinic text NOT NULL,
  documents integer NOT NULL,
  requested_by text NOT NULL,
  at bigint NOT NULL
);

-- The signal a device that held the resident pulls: "this resident left your villages" at a change sequence of its
-- own (from document_seq, so it pages with the residents it sits among). The device purges them once its pending
-- edits for them are uploaded.
CREATE TABLE departures (
  seq bigint PRIMARY KEY,
  resident_id text NOT NULL,
  from_village text NOT NULL,
  to_village text NOT NULL,
  at bigint NOT NULL
);
CREATE INDEX departures_by_village ON departures (from_village, seq);

-- Edits that arrived from a device whose jurisdiction no longer covers the document (the resident moved away while
-- it was offline): kept here for review, never dropped, never applied.
CREATE TABLE parked (
  id bigserial PRIMARY KEY,
  at bigint NOT NULL,
  device_id text NOT NULL,
  clinic_code text NOT NULL,
  collection text NOT NULL,
  document_id text NOT NULL,
  reason text NOT NULL,
  body text NOT NULL,
  assumed text,
  settled_at bigint
);
CREATE INDEX parked_by_device ON parked (device_id, id);
CREATE INDEX departures_by_resident ON departures (resident_id);
