-- Watch and cases: alerts, cases and the append-only case history (DESIGN.md §3).
-- Ids are sortable (time first), so "newest first" listings page on the id alone.

CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  rule TEXT NOT NULL,
  rule_kind TEXT NOT NULL CHECK (rule_kind IN ('threshold', 'count')),
  title TEXT NOT NULL,
  severity TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'cleared')),
  cell TEXT NOT NULL,
  area TEXT NOT NULL,
  sensor TEXT,
  metric TEXT,
  category TEXT,
  raised_at INTEGER NOT NULL,
  cleared_at INTEGER,
  evidence TEXT NOT NULL,
  case_id TEXT
);
CREATE INDEX alerts_state ON alerts (state, id);
CREATE INDEX alerts_cell ON alerts (cell, id);
CREATE INDEX alerts_area ON alerts (area, id);

CREATE TABLE cases (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  category TEXT NOT NULL,
  priority TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT,
  cell TEXT NOT NULL,
  -- Root to leaf as '/root/district/leaf/' (area ids never contain '/'); case_areas indexes it for the area filter.
  area_path TEXT NOT NULL,
  team TEXT,
  source TEXT NOT NULL CHECK (source IN ('alert', 'report')),
  alert_id TEXT,
  report_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  due_stage TEXT,
  due_at INTEGER,
  overdue INTEGER NOT NULL DEFAULT 0,
  rework_count INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL
);
CREATE INDEX cases_state ON cases (state, id);
CREATE INDEX cases_team ON cases (team, id);
CREATE INDEX cases_cell ON cases (cell, id);
CREATE INDEX cases_category ON cases (category, id);
-- The overdue sweep reads only cases still on time with a running stage.
CREATE INDEX cases_due ON cases (due_at) WHERE overdue = 0 AND due_at IS NOT NULL;
CREATE INDEX cases_overdue ON cases (id) WHERE overdue = 1;

-- One row per area on a case's path, so "cases in this area's subtree" is an index lookup at any depth.
CREATE TABLE case_areas (
  area TEXT NOT NULL,
  case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  PRIMARY KEY (area, case_id)
) WITHOUT ROWID;

CREATE TABLE case_history (
  case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  type TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  actor TEXT NOT NULL,
  note TEXT,
  team TEXT,
  PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;
