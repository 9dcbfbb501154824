-- Ingest: sensors, metrics, readings, reports and quarantine (DESIGN.md §2).
-- No table here holds a reporter's contact details: they live apart, in the contact vault (DESIGN.md §8).

-- A sensor's integer key keeps each reading row small; its cell is fixed when the sensor is registered.
CREATE TABLE sensors (
  key INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  cell TEXT NOT NULL
);

CREATE TABLE metrics (
  key INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

-- The primary key is the reading's identity, so a duplicate is a second row with the same (sensor, metric, ts).
-- No foreign keys: the store itself inserts the sensor and metric keys in the same transaction, and a foreign-key
-- check per row would cost a lookup on the hot path. Non-finite values are refused (NaN binds as NULL).
CREATE TABLE readings (
  sensor INTEGER NOT NULL,
  metric INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  value REAL NOT NULL CHECK (abs(value) <= 1.7976931348623157e308),
  PRIMARY KEY (sensor, metric, ts)
) WITHOUT ROWID;

CREATE TABLE reports (
  id TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  external_id TEXT,
  service_code TEXT NOT NULL,
  lon REAL NOT NULL,
  lat REAL NOT NULL,
  cell TEXT NOT NULL,
  area TEXT NOT NULL,
  description TEXT,
  address TEXT,
  media_url TEXT,
  requested_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  -- NULL external ids never conflict, so reports without one are never taken for duplicates.
  UNIQUE (source, external_id)
);
CREATE INDEX reports_cell_service_time ON reports (cell, service_code, requested_at);

CREATE TABLE quarantine (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  raw TEXT NOT NULL,
  code TEXT NOT NULL,
  reason TEXT NOT NULL,
  path TEXT,
  received_at INTEGER NOT NULL
);
