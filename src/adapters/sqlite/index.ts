import { type Cipher, disabledCipher } from '../../access/vault.ts';
import type { Stores } from '../../ports.ts';
import type { Clock } from '../../shared/clock.ts';
import { SqliteAccessStore } from './access.ts';
import { SqliteAlertStore } from './alerts.ts';
import { SqliteAuditLog } from './audit.ts';
import { SqliteCaseStore } from './cases.ts';
import { SqliteContactStore } from './contacts.ts';
import { type Db, openDb } from './db.ts';
import { SqliteQuarantineStore } from './quarantine.ts';
import { SqliteReadingStore } from './readings.ts';
import { SqliteReportStore } from './reports.ts';

export type { Db };
export { openDb };

/**
 * Every store port over one SQLite database at `path` (or ':memory:'), migrated to the latest version. Without a
 * cipher, the contact store refuses to store anything.
 */
export function openSqliteStore(
  path: string,
  opts: { readonly cipher?: Cipher; readonly clock?: Clock } = {},
): Stores & { readonly db: Db } {
  const db = openDb(path);
  return {
    db,
    readings: new SqliteReadingStore(db),
    reports: new SqliteReportStore(db),
    quarantine: new SqliteQuarantineStore(db),
    alerts: new SqliteAlertStore(db),
    cases: new SqliteCaseStore(db),
    access: new SqliteAccessStore(db),
    audit: new SqliteAuditLog(db),
    contacts: new SqliteContactStore(db, opts.cipher ?? disabledCipher, opts.clock),
    async close() {
      if (db.open) db.close();
    },
  };
}
