-- Clinic-scoped documents (settings, audit) are stored under `<clinic code>/<id>` (store.ts storedId): every clinic
-- has a settings document `clinic` and the same `package:…` ids, and one clinic's must not stand in for another's.
UPDATE documents SET id = clinic_code || '/' || id WHERE collection IN ('settings', 'audit');
