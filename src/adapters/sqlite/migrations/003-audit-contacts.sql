-- Access: the hash-chained audit log with its head kept apart, and the encrypted contact vault (DESIGN.md §8).

-- Each entry holds the SHA-256 of the previous one (prev_hash) and its own (hash); details is canonical JSON.
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);

-- Append-only: gridloop never updates or deletes an entry. These triggers stop accidents and careless code; someone
-- with the file can drop them, which is why the chain and the head exist and `gridloop audit verify` checks both.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- The head (last seq and hash), kept apart so that a deleted last entry is detected. One row, moved only forward.
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head WHEN NEW.seq <= OLD.seq
BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward'); END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'audit_head cannot be deleted'); END;

-- A reporter's contact details, AES-256-GCM sealed with the report id as associated data. Never plaintext.
CREATE TABLE contacts (
  report_id TEXT PRIMARY KEY,
  key_id TEXT NOT NULL,
  iv BLOB NOT NULL,
  ciphertext BLOB NOT NULL,
  tag BLOB NOT NULL,
  stored_at INTEGER NOT NULL,
  purge_after INTEGER
);
CREATE INDEX contacts_purge ON contacts (purge_after) WHERE purge_after IS NOT NULL;
CREATE INDEX contacts_key ON contacts (key_id);
