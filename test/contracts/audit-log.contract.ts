import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { GENESIS_HEAD, verifyLog } from '../../src/access/audit-chain.ts';
import type { AuditInput, AuditLog } from '../../src/access/audit-types.ts';
import { nodeSha256 } from '../../src/adapters/node-crypto.ts';
import { type MakeStore, storeTest } from './fixtures.ts';

/** A fresh, empty log per test, and how to dispose of it. */
export type MakeAuditLog = MakeStore<AuditLog>;

export const auditInput = (i: number): AuditInput => ({
  at: 1_700_000_000_000 + i,
  actor: `user-${i % 3}`,
  action: i % 2 ? 'case.changed' : 'contact.read',
  target: `target-${i}`,
  details: { i, z: 'last', a: { nested: [i, null, 'ünï ✓'] }, big: 2 ** 52 + i, frac: 0.1 + i },
});

/** The AuditLog contract: every adapter must pass it unchanged. */
export function auditLogContract(adapter: string, make: MakeAuditLog): void {
  const withLog = storeTest(make);

  describe(`AuditLog contract: ${adapter}`, () => {
    withLog('chains appends across calls, moves the head with them, and pages in seq order', async (log) => {
      assert.deepEqual(await log.head(), GENESIS_HEAD);
      assert.deepEqual(await log.append([]), []);
      const first = await log.append([auditInput(1), auditInput(2)]);
      const second = await log.append([auditInput(3)]);
      assert.deepEqual(
        [...first, ...second].map((e) => e.seq),
        [1, 2, 3],
      );
      assert.equal(first[0]?.prevHash, GENESIS_HEAD.hash);
      assert.equal(second[0]?.prevHash, first[1]?.hash);
      assert.deepEqual(await log.head(), { seq: 3, hash: second[0]?.hash });
      assert.deepEqual(await log.list(0, 10), [...first, ...second]);
      assert.deepEqual(
        (await log.list(1, 1)).map((e) => e.seq),
        [2],
      );
      assert.deepEqual(await log.list(3, 10), []);
      assert.deepEqual(await verifyLog(log, nodeSha256, 2), { ok: true, count: 3 });
    });

    withLog('a failed append leaves neither entries nor head behind', async (log) => {
      await log.append([auditInput(1)]);
      const head = await log.head();
      await assert.rejects(log.append([auditInput(2), { ...auditInput(3), actor: null as never }]));
      assert.deepEqual(await log.head(), head);
      assert.equal((await log.list(0, 10)).length, 1);
      assert.equal((await log.append([auditInput(4)]))[0]?.seq, 2);
      assert.deepEqual(await verifyLog(log, nodeSha256), { ok: true, count: 2 });
    });

    withLog('concurrent appends all land on one unbroken chain', async (log) => {
      await Promise.all(Array.from({ length: 20 }, (_, i) => log.append([auditInput(2 * i), auditInput(2 * i + 1)])));
      assert.deepEqual(await log.head().then((h) => h?.seq), 40);
      assert.deepEqual(await verifyLog(log, nodeSha256, 7), { ok: true, count: 40 });
    });
  });
}
