-- The whole gridloop schema on PostgreSQL, mirroring the SQLite migrations 001–005 (DESIGN.md §2, §7, §8).
-- Ids that listings order or page on are COLLATE "C", so they sort bytewise exactly as in SQLite.

CREATE TABLE sensors (
  key integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  cell text NOT NULL
);

CREATE TABLE metrics (
  key integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE
);

-- Partitioned by month on ts; the store creates a month's partition before the first write that needs it, and
-- retention drops whole partitions. NaN and ±Infinity are refused (NaN sorts above Infinity in PostgreSQL).
CREATE TABLE readings (
  sensor integer NOT NULL,
  metric integer NOT NULL,
  ts bigint NOT NULL,
  value double precision NOT NULL CHECK (value > '-Infinity' AND value < 'Infinity'),
  PRIMARY KEY (sensor, metric, ts)
) PARTITION BY RANGE (ts);

-- Per cell, metric and 5-minute bucket (bucket = start, epoch ms); kept after the raw readings are gone.
CREATE TABLE rollups (
  cell text NOT NULL,
  metric integer NOT NULL,
  bucket bigint NOT NULL,
  count bigint NOT NULL,
  sum double precision NOT NULL,
  min double precision NOT NULL,
  max double precision NOT NULL,
  PRIMARY KEY (cell, metric, bucket)
);

CREATE TABLE reports (
  id text COLLATE "C" PRIMARY KEY,
  source text NOT NULL,
  external_id text,
  service_code text NOT NULL,
  lon double precision NOT NULL,
  lat double precision NOT NULL,
  cell text NOT NULL,
  area text NOT NULL,
  description text,
  address text,
  media_url text,
  requested_at bigint NOT NULL,
  received_at bigint NOT NULL,
  UNIQUE (source, external_id)
);
CREATE INDEX reports_cell_service_time ON reports (cell, service_code, requested_at);

-- raw is bytea (UTF-8) because a record may hold a NUL character, which PostgreSQL text refuses.
CREATE TABLE quarantine (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source text NOT NULL,
  raw bytea NOT NULL,
  code text NOT NULL,
  reason text NOT NULL,
  path text,
  received_at bigint NOT NULL
);

CREATE TABLE alerts (
  id text COLLATE "C" PRIMARY KEY,
  rule text NOT NULL,
  rule_kind text NOT NULL CHECK (rule_kind IN ('threshold', 'count')),
  title text NOT NULL,
  severity text NOT NULL,
  state text NOT NULL CHECK (state IN ('open', 'acknowledged', 'cleared')),
  cell text NOT NULL,
  area text NOT NULL,
  sensor text,
  metric text,
  category text,
  raised_at bigint NOT NULL,
  cleared_at bigint,
  evidence text NOT NULL,
  case_id text
);
CREATE INDEX alerts_state ON alerts (state, id);
CREATE INDEX alerts_cell ON alerts (cell, id);
CREATE INDEX alerts_area ON alerts (area, id);

CREATE TABLE cases (
  id text COLLATE "C" PRIMARY KEY,
  state text NOT NULL,
  category text NOT NULL,
  priority text NOT NULL,
  title text NOT NULL,
  description text,
  cell text NOT NULL,
  area_path text NOT NULL,
  team text,
  source text NOT NULL CHECK (source IN ('alert', 'report')),
  alert_id text,
  report_id text,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  due_stage text,
  due_at bigint,
  overdue boolean NOT NULL DEFAULT false,
  rework_count integer NOT NULL DEFAULT 0,
  version integer NOT NULL
);
CREATE INDEX cases_state ON cases (state, id);
CREATE INDEX cases_team ON cases (team, id);
CREATE INDEX cases_cell ON cases (cell, id);
CREATE INDEX cases_category ON cases (category, id);
CREATE INDEX cases_due ON cases (due_at) WHERE NOT overdue AND due_at IS NOT NULL;
CREATE INDEX cases_overdue ON cases (id) WHERE overdue;

CREATE TABLE case_areas (
  area text NOT NULL,
  case_id text COLLATE "C" NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  PRIMARY KEY (area, case_id)
);

CREATE TABLE case_history (
  case_id text COLLATE "C" NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  at bigint NOT NULL,
  type text NOT NULL,
  from_state text,
  to_state text NOT NULL,
  actor text NOT NULL,
  note text,
  team text,
  PRIMARY KEY (case_id, seq)
);

-- The hash-chained audit log; details is canonical JSON text (not jsonb, which would rewrite it).
CREATE TABLE audit_log (
  seq bigint PRIMARY KEY,
  at bigint NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  target text NOT NULL,
  details text NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL
);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- One row, moved only forward; appenders lock it (SELECT … FOR UPDATE), which serialises every process's appends.
CREATE TABLE audit_head (
  id integer PRIMARY KEY CHECK (id = 1),
  seq bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE FUNCTION audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.seq > OLD.seq THEN
    RETURN NEW;
  ELSIF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'audit_head only moves forward';
  END IF;
  RAISE EXCEPTION 'audit_head cannot be deleted';
END $$;
CREATE TRIGGER audit_head_guard BEFORE UPDATE OR DELETE ON audit_head
  FOR EACH ROW EXECUTE FUNCTION audit_head_guard();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
  FOR EACH STATEMENT EXECUTE FUNCTION audit_head_guard();

-- AES-256-GCM sealed contact details, the report id as associated data. Never plaintext.
CREATE TABLE contacts (
  report_id text COLLATE "C" PRIMARY KEY,
  key_id text NOT NULL,
  iv bytea NOT NULL,
  ciphertext bytea NOT NULL,
  tag bytea NOT NULL,
  stored_at bigint NOT NULL,
  purge_after bigint
);
CREATE INDEX contacts_purge ON contacts (purge_after) WHERE purge_after IS NOT NULL;
CREATE INDEX contacts_key ON contacts (key_id);

CREATE TABLE users (
  id text PRIMARY KEY,
  username text COLLATE "C" NOT NULL UNIQUE,
  role text NOT NULL,
  scope text NOT NULL,
  password_hash text NOT NULL,
  disabled boolean NOT NULL DEFAULT false,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until bigint,
  created_at bigint NOT NULL
);

CREATE TABLE sessions (
  id_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf text NOT NULL,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
  id text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  role text NOT NULL,
  scope text NOT NULL,
  secret_hash text NOT NULL,
  created_at bigint NOT NULL,
  revoked_at bigint
);
