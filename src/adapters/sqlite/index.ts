import type { Stores } from '../../ports.ts';
import { SqliteAlertStore } from './alerts.ts';
import { SqliteCaseStore } from './cases.ts';
import { type Db, openDb } from './db.ts';
import { SqliteQuarantineStore } from './quarantine.ts';
import { SqliteReadingStore } from './readings.ts';
import { SqliteReportStore } from './reports.ts';

export type { Db };
export { openDb };

/** Every store port over one SQLite database at `path` (or ':memory:'), migrated to the latest version. */
export function openSqliteStore(path: string): Stores & { readonly db: Db } {
  const db = openDb(path);
  return {
    db,
    readings: new SqliteReadingStore(db),
    reports: new SqliteReportStore(db),
    quarantine: new SqliteQuarantineStore(db),
    alerts: new SqliteAlertStore(db),
    cases: new SqliteCaseStore(db),
    async close() {
      if (db.open) db.close();
    },
  };
}
