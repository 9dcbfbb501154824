-- Open311 GET looks cases up by their report.
CREATE INDEX IF NOT EXISTS cases_report ON cases (report_id) WHERE report_id IS NOT NULL;
