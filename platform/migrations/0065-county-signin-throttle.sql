-- The county sign-in throttle (issue 15 item 4), kept in the database so that restarting the platform does not
-- forget it: failures in a row per key (`user:<name>` or `ip:<address>`), when the key may try again, and when it
-- last failed (a key that has not failed for a day starts afresh).
CREATE TABLE county_signin_failures (
  key text PRIMARY KEY,
  failures integer NOT NULL,
  until_at bigint NOT NULL,
  last_failed_at bigint NOT NULL
);
