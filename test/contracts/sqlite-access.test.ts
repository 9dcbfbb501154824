import { SqliteContactStore } from '../../src/adapters/sqlite/contacts.ts';
import { openSqliteStore } from '../../src/adapters/sqlite/index.ts';
import { accessStoreContract } from './access-store.contract.ts';
import { auditLogContract } from './audit-log.contract.ts';
import { contactStoreContract } from './contact-store.contract.ts';
import { rollupRetentionContract } from './rollup-retention.contract.ts';

accessStoreContract('sqlite', async () => {
  const s = openSqliteStore(':memory:');
  return { store: s.access, close: () => s.close() };
});

auditLogContract('sqlite', async () => {
  const s = openSqliteStore(':memory:');
  return { store: s.audit, close: () => s.close() };
});

contactStoreContract('sqlite', async (cipher, clock) => {
  const s = openSqliteStore(':memory:', { cipher, clock });
  return { store: s.contacts, withCipher: (c) => new SqliteContactStore(s.db, c, clock), close: () => s.close() };
});

rollupRetentionContract('sqlite', async () => openSqliteStore(':memory:'));
