-- Every `platform export` of a clinic's documents is recorded (issue 13 item 8: exports are audited).
CREATE TABLE exports (
  id bigserial PRIMARY KEY,
  clinic_code text NOT NULL,
  documents integer NOT NULL,
  requested_by text NOT NULL,
  at bigint NOT NULL
);
