-- Issue 13 item 6: an operator settles a parked edit (`platform parked apply|discard`). The parked row keeps the
-- settlement as its audit: when (settled_at, already there), who, which action, the reason given for a discard, and
-- what applying did (JSON: merged, unchanged or a conflict queued for review, with the paths).
ALTER TABLE parked ADD COLUMN settled_by text;
ALTER TABLE parked ADD COLUMN settlement text;
ALTER TABLE parked ADD COLUMN settle_reason text;
ALTER TABLE parked ADD COLUMN settle_result text;
