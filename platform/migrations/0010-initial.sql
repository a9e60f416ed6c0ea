-- The platform's first schema. Documents keep the ids the devices gave them (DESIGN.md §6); the platform adds
-- a change sequence (seq) that pulls page through, and the ownership fields it scopes by.
CREATE TABLE clinics (
  code text PRIMARY KEY,
  name text NOT NULL,
  villages text NOT NULL,
  created_at bigint NOT NULL
);

CREATE TABLE enrolment_codes (
  code_hash text PRIMARY KEY,
  clinic_code text NOT NULL REFERENCES clinics(code),
  created_at bigint NOT NULL,
  used_at bigint,
  used_by text
);

CREATE TABLE devices (
  id text PRIMARY KEY,
  clinic_code text NOT NULL REFERENCES clinics(code),
  credential_hash text NOT NULL UNIQUE,
  enrolled_at bigint NOT NULL,
  revoked_at bigint,
  last_contact_at bigint,
  acked_up_to bigint,
  pending integer
);

CREATE SEQUENCE document_seq;

CREATE TABLE documents (
  collection text NOT NULL,
  id text NOT NULL,
  seq bigint NOT NULL,
  clinic_code text NOT NULL,
  village_code text,
  rev text NOT NULL,
  deleted boolean NOT NULL,
  body text NOT NULL,
  written_by text NOT NULL,
  written_at bigint NOT NULL,
  PRIMARY KEY (collection, id)
);
CREATE UNIQUE INDEX documents_by_seq ON documents (collection, seq);
CREATE INDEX documents_by_village ON documents (collection, village_code, seq);
CREATE INDEX documents_by_clinic ON documents (collection, clinic_code, seq);

CREATE TABLE record_blocks (
  id bigserial PRIMARY KEY,
  clinic_code text NOT NULL REFERENCES clinics(code),
  device_id text NOT NULL,
  village_code text,
  serial_start integer NOT NULL,
  serial_end integer NOT NULL,
  granted_at bigint NOT NULL
);

CREATE TABLE refusals (
  id bigserial PRIMARY KEY,
  at bigint NOT NULL,
  device_id text NOT NULL,
  clinic_code text NOT NULL,
  collection text NOT NULL,
  document_id text NOT NULL,
  reason text NOT NULL
);
