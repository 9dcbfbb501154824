import { SqliteAlertStore } from '../../src/adapters/sqlite/alerts.ts';
import { SqliteCaseStore } from '../../src/adapters/sqlite/cases.ts';
import { openDb } from '../../src/adapters/sqlite/db.ts';
import { alertStoreContract } from './alert-store.contract.ts';
import { caseStoreContract } from './case-store.contract.ts';

alertStoreContract('sqlite', async () => {
  const db = openDb(':memory:');
  return { store: new SqliteAlertStore(db), close: () => void db.close() };
});

caseStoreContract('sqlite', async () => {
  const db = openDb(':memory:');
  return { store: new SqliteCaseStore(db), close: () => void db.close() };
});
