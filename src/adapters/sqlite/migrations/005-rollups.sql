-- Rollups per cell, metric and 5-minute bucket (DESIGN.md §7): maintained at ingest in the batch's transaction from
-- newly stored readings only, and kept after retention deletes the raw readings. bucket is the bucket's start (ms).
CREATE TABLE rollups (
  cell TEXT NOT NULL,
  metric INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  count INTEGER NOT NULL,
  sum REAL NOT NULL,
  min REAL NOT NULL,
  max REAL NOT NULL,
  PRIMARY KEY (cell, metric, bucket)
) WITHOUT ROWID;
