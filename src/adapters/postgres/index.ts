import { type Cipher, disabledCipher } from '../../access/vault.ts';
import type { Stores } from '../../ports.ts';
import type { Clock } from '../../shared/clock.ts';
import { PgAccessStore } from './access.ts';
import { PgAlertStore } from './alerts.ts';
import { PgAuditLog } from './audit.ts';
import { PgCaseStore } from './cases.ts';
import { PgContactStore } from './contacts.ts';
import { createPool, migrate, type Pool } from './db.ts';
import { PgQuarantineStore } from './quarantine.ts';
import { PgReadingStore } from './readings.ts';
import { PgReportStore } from './reports.ts';

export type { Pool };
export { createPool, migrate };

export interface PostgresStoreOptions {
  readonly cipher?: Cipher;
  readonly clock?: Clock;
  /** The schema to use (created if missing; lowercase identifier); default: the server's search_path. */
  readonly schema?: string;
  /** Pool size; default 10. */
  readonly maxConnections?: number;
  /** Extra session settings for every connection, e.g. `{ synchronous_commit: 'off' }` in tests. */
  readonly settings?: Readonly<Record<string, string>>;
}

/**
 * Every store port on the PostgreSQL database at `url` (postgres://…), migrated to the latest version under an
 * advisory lock, so several processes may open it at once. Without a cipher, the contact store refuses to store.
 */
export async function openPostgresStore(
  url: string,
  opts: PostgresStoreOptions = {},
): Promise<Stores & { readonly pool: Pool }> {
  const pool = createPool(url, opts.schema, opts.maxConnections, opts.settings);
  try {
    await migrate(pool, opts.schema);
  } catch (e) {
    await pool.end();
    throw e;
  }
  let closed = false;
  return {
    pool,
    readings: new PgReadingStore(pool),
    reports: new PgReportStore(pool),
    quarantine: new PgQuarantineStore(pool),
    alerts: new PgAlertStore(pool),
    cases: new PgCaseStore(pool),
    access: new PgAccessStore(pool),
    audit: new PgAuditLog(pool),
    contacts: new PgContactStore(pool, opts.cipher ?? disabledCipher, opts.clock),
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
