import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GENESIS_HEAD, verifyLog } from '../../access/audit-chain.ts';
import type { AuditInput } from '../../access/audit-types.ts';
import { nodeSha256 } from '../node-crypto.ts';
import { SqliteAuditLog } from './audit.ts';
import { openDb } from './db.ts';

const input = (i: number): AuditInput => ({
  at: 1_700_000_000_000 + i,
  actor: `user-${i % 3}`,
  action: i % 2 ? 'case.changed' : 'contact.read',
  target: `target-${i}`,
  details: { i, z: 'last', a: { nested: [i, null] } },
});

describe('SqliteAuditLog', () => {
  test('appends chain across calls, move the head in the same transaction, and page in seq order', async () => {
    const db = openDb(':memory:');
    const log = new SqliteAuditLog(db);
    assert.deepEqual(await log.head(), GENESIS_HEAD);
    assert.deepEqual(await log.append([]), []);
    const first = await log.append([input(1), input(2)]);
    const second = await log.append([input(3)]);
    assert.deepEqual(
      [...first, ...second].map((e) => e.seq),
      [1, 2, 3],
    );
    assert.equal(second[0]!.prevHash, first[1]!.hash);
    assert.deepEqual(await log.head(), { seq: 3, hash: second[0]!.hash });
    assert.deepEqual(await log.list(0, 10), [...first, ...second]);
    assert.deepEqual(
      (await log.list(1, 1)).map((e) => e.seq),
      [2],
    );
    assert.deepEqual(await verifyLog(log, nodeSha256, 2), { ok: true, count: 3 });
    db.close();
  });

  test('a failed append leaves neither entries nor head behind', async () => {
    const db = openDb(':memory:');
    const log = new SqliteAuditLog(db);
    await log.append([input(1)]);
    const head = await log.head();
    await assert.rejects(log.append([input(2), { ...input(3), actor: null as never }]));
    assert.deepEqual(await log.head(), head);
    assert.equal((await log.list(0, 10)).length, 1);
    db.close();
  });

  test('the database refuses updates and deletes of entries, and a head moving back or vanishing', async () => {
    const db = openDb(':memory:');
    const log = new SqliteAuditLog(db);
    await log.append([input(1), input(2)]);
    assert.throws(() => db.prepare("UPDATE audit_log SET actor = 'x' WHERE seq = 1").run(), /append-only/);
    assert.throws(() => db.prepare('DELETE FROM audit_log WHERE seq = 2').run(), /append-only/);
    assert.throws(() => db.prepare('UPDATE audit_head SET seq = 1').run(), /forward/);
    assert.throws(() => db.prepare('DELETE FROM audit_head').run(), /cannot be deleted/);
    assert.deepEqual(await verifyLog(log, nodeSha256), { ok: true, count: 2 });
    db.close();
  });

  test('verifyLog pages through a long log and finds a break on a later page', async () => {
    const db = openDb(':memory:');
    const log = new SqliteAuditLog(db);
    await log.append(Array.from({ length: 250 }, (_, i) => input(i)));
    assert.deepEqual(await verifyLog(log, nodeSha256, 100), { ok: true, count: 250 });
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare("UPDATE audit_log SET target = 'moved' WHERE seq = 201").run();
    assert.deepEqual(await verifyLog(log, nodeSha256, 100), { ok: false, seq: 201, reason: 'hash-mismatch' });
    db.close();
  });
});
