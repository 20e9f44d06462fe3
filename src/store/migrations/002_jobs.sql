-- The scheduler's own tables (src/jobs/pg-scheduler.ts): one row per pending job key, claimed by
-- FOR UPDATE SKIP LOCKED with a lease, so that a due job runs on one instance and a dead instance's job is taken
-- over after its lease. Times are milliseconds since the epoch. Jobs the records-based scheduler kept in `records`
-- (collection 'jobs' and 'jobs_dead') move here.
CREATE TABLE jobs (
  key text PRIMARY KEY,
  name text NOT NULL,
  run_at bigint NOT NULL,
  payload jsonb NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  schedule_id text NOT NULL,
  lease_id text,
  lease_until bigint,
  last_error text
);
CREATE INDEX jobs_due ON jobs (run_at, key);

CREATE TABLE jobs_dead (
  id bigserial PRIMARY KEY,
  key text NOT NULL,
  name text,
  payload jsonb,
  attempts integer,
  last_error text,
  failed_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO jobs (key, name, run_at, payload, attempts, schedule_id, last_error)
SELECT value->>'key', value->>'name', (value->>'runAt')::bigint, value->'payload', COALESCE((value->>'attempts')::integer, 0), COALESCE(value->>'scheduleId', md5(key)), value->>'lastError'
FROM records
WHERE collection = 'jobs' AND value ? 'key' AND value ? 'name' AND value ? 'runAt' AND value ? 'payload'
ON CONFLICT (key) DO NOTHING;
INSERT INTO jobs_dead (key, name, payload, attempts, last_error)
SELECT COALESCE(value->>'key', key), value->>'name', value->'payload', (value->>'attempts')::integer, value->>'lastError' FROM records WHERE collection = 'jobs_dead';
DELETE FROM records WHERE collection IN ('jobs', 'jobs_dead');
