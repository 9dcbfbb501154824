import { type Cipher, disabledCipher } from '../../access/vault.ts';
import type { Stores } from '../../ports.ts';
import type { Clock } from '../../shared/clock.ts';
import { MemoryAccessStore } from './access.ts';
import { MemoryAlertStore } from './alerts.ts';
import { MemoryAuditLog } from './audit.ts';
import { MemoryCaseStore } from './cases.ts';
import { MemoryContactStore } from './contacts.ts';
import { type MemoryDb, openMemoryDb } from './db.ts';
import { MemoryQuarantineStore } from './quarantine.ts';
import { MemoryReadingStore } from './readings.ts';
import { MemoryReportStore } from './reports.ts';

export type { MemoryDb };
export { MemoryAccessStore, MemoryAlertStore, MemoryAuditLog, MemoryCaseStore, MemoryContactStore, openMemoryDb };

/**
 * Every store port over one new, empty in-process database, with the semantics of the SQLite store (the contract
 * suites in test/contracts/ hold all three adapters to them). For contract suites and unit tests: nothing survives
 * the process. Without a cipher, the contact store refuses to store anything. `db` lets a test open another store on
 * the same data, e.g. a contact store with other keys, as `openSqliteStore(…).db` does.
 */
export function openMemoryStore(
  opts: { readonly cipher?: Cipher; readonly clock?: Clock } = {},
): Stores & { readonly db: MemoryDb } {
  const db = openMemoryDb();
  return {
    db,
    readings: new MemoryReadingStore(db),
    reports: new MemoryReportStore(db),
    quarantine: new MemoryQuarantineStore(db),
    alerts: new MemoryAlertStore(db),
    cases: new MemoryCaseStore(db),
    access: new MemoryAccessStore(db),
    audit: new MemoryAuditLog(db),
    contacts: new MemoryContactStore(db, opts.cipher ?? disabledCipher, opts.clock),
    // Nothing to release: the data goes with the last reference to `db`.
    async close() {},
  };
}
