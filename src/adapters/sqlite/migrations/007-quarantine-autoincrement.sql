-- Quarantine ids are never handed out twice. A plain INTEGER PRIMARY KEY reuses the highest id once that entry is
-- deleted (say by `gridloop quarantine replay`), so `quarantine show N` or paging `--after N` could reach another
-- record; AUTOINCREMENT keeps the largest id ever used in sqlite_sequence, as PostgreSQL's identity column does.
-- SQLite cannot add AUTOINCREMENT to a table, so the table is rebuilt (https://sqlite.org/lang_altertable.html#otheralter),
-- keeping every row under its id; quarantine has no index, trigger or view, and no foreign key refers to it.
-- Copying the rows sets sqlite_sequence to the highest surviving id: an id deleted above it before this migration
-- cannot be known, and is the only one that can come back.

CREATE TABLE quarantine_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  source TEXT NOT NULL,
  raw TEXT NOT NULL,
  code TEXT NOT NULL,
  reason TEXT NOT NULL,
  path TEXT,
  received_at INTEGER NOT NULL
);
INSERT INTO quarantine_new (id, source, raw, code, reason, path, received_at)
  SELECT id, source, raw, code, reason, path, received_at FROM quarantine ORDER BY id;
DROP TABLE quarantine;
ALTER TABLE quarantine_new RENAME TO quarantine;
