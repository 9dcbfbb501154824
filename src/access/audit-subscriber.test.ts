import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openSqliteStore } from '../adapters/sqlite/index.ts';
import { auditConfigChange } from './audit-subscriber.ts';

test('a changed city definition is audited once per change, with the fingerprint it replaced', async () => {
  const { audit, close } = openSqliteStore(':memory:');
  const clock = () => 1_000;
  assert.equal(await auditConfigChange(audit, 'riverton', 'aaa', clock), true, 'first start');
  assert.equal(await auditConfigChange(audit, 'riverton', 'aaa', clock), false, 'same definition: nothing');
  assert.equal(await auditConfigChange(audit, 'riverton', 'bbb', clock), true, 'changed');
  const entries = (await audit.list(0, 10)).filter((e) => e.action === 'config.changed');
  assert.deepEqual(
    entries.map((e) => e.details),
    [
      { fingerprint: 'aaa', previous: null },
      { fingerprint: 'bbb', previous: 'aaa' },
    ],
  );
  await close();
});
