-- The durable inbox's own tables (src/store/pg-inbox.ts), for several instances: a delivery is inserted (committed)
-- before the platform gets its acknowledgement; `arrival` orders deliveries across instances; an instance leases the
-- turn it runs (claimed with FOR UPDATE SKIP LOCKED) and another takes it over once the lease has ended; a turn runs
-- only when no earlier delivery of its conversation (`order_key`) is pending. Finished deliveries stay in
-- `inbox_done` (without what the user wrote) while the platform may redeliver them. Times in ms since the epoch.
CREATE TABLE inbox (
  key text PRIMARY KEY,
  arrival bigserial NOT NULL,
  order_key text NOT NULL,
  channel text NOT NULL,
  accepted_at text NOT NULL,
  event jsonb NOT NULL,
  target jsonb NOT NULL,
  attempts integer NOT NULL DEFAULT 1,
  delivered jsonb NOT NULL DEFAULT '{}',
  notices jsonb NOT NULL DEFAULT '[]',
  last_error text,
  lease_owner text,
  lease_until bigint
);
CREATE INDEX inbox_order ON inbox (order_key, arrival);
CREATE INDEX inbox_arrival ON inbox (arrival);

CREATE TABLE inbox_done (
  key text PRIMARY KEY,
  status text NOT NULL,
  channel text NOT NULL,
  accepted_at text NOT NULL,
  attempts integer NOT NULL,
  last_error text,
  expires_at bigint NOT NULL
);
CREATE INDEX inbox_done_expiry ON inbox_done (expires_at);

-- What the records-based inbox held moves here, pending ones in their order.
INSERT INTO inbox (key, order_key, channel, accepted_at, event, target, attempts, delivered, notices, last_error)
SELECT key, value->>'order', value->>'channel', value->>'acceptedAt', value->'event', value->'target', COALESCE((value->>'attempts')::integer, 1),
  COALESCE(value->'delivered', '{}'::jsonb), COALESCE(value->'notices', '[]'::jsonb), value->>'lastError'
FROM records
WHERE collection = 'inbox' AND value ? 'order' AND value ? 'event'
  AND NOT EXISTS (SELECT 1 FROM records d WHERE d.collection = 'inbox_done' AND d.key = records.key)
ORDER BY (value->>'seq')::bigint;
INSERT INTO inbox_done (key, status, channel, accepted_at, attempts, last_error, expires_at)
SELECT key, value->>'status', value->>'channel', value->>'acceptedAt', COALESCE((value->>'attempts')::integer, 1), value->>'lastError', COALESCE(expires_at, 0)
FROM records WHERE collection = 'inbox_done' AND value ? 'status'
ON CONFLICT (key) DO NOTHING;
DELETE FROM records WHERE collection IN ('inbox', 'inbox_done');
