-- The Store port's records: one row per collection and key. `sort_key` is the key as UTF-16 code units (big-endian),
-- so that listings sort exactly as the embedded store's JavaScript string order does (a "C" collation would sort
-- by code point, which puts an emoji after U+FFFD). `expires_at` is milliseconds since the epoch.
CREATE TABLE records (
  collection text NOT NULL,
  sort_key bytea NOT NULL,
  key text NOT NULL,
  value jsonb NOT NULL,
  expires_at bigint,
  PRIMARY KEY (collection, sort_key)
);
CREATE INDEX records_expiry ON records (expires_at) WHERE expires_at IS NOT NULL;
