import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { VaultError } from '../../access/vault.ts';
import type { ReportId } from '../../shared/brand.ts';
import { aesGcmCipher, newVaultKey, parseVaultKeys } from '../node-crypto.ts';
import { SqliteContactStore } from './contacts.ts';
import { openDb } from './db.ts';

const rid = (s: string) => s as ReportId;
const code = (c: string) => (e: unknown) => e instanceof VaultError && e.code === c;
const cipherFrom = (text: string) => {
  const { current, keys } = parseVaultKeys(text);
  return aesGcmCipher(keys, current);
};
const dir = mkdtempSync(join(tmpdir(), 'gridloop-contacts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('SqliteContactStore', () => {
  test('round trip, replace, and an empty contact stores nothing', async () => {
    const store = new SqliteContactStore(openDb(':memory:'), cipherFrom(newVaultKey('k1')), () => 5);
    await store.put(rid('r1'), { email: 'a@example.org', name: 'Ann' });
    assert.deepEqual(await store.get(rid('r1')), { email: 'a@example.org', name: 'Ann' });
    await store.put(rid('r1'), { phone: '+44 20 7946 0000' });
    assert.deepEqual(await store.get(rid('r1')), { phone: '+44 20 7946 0000' });
    await store.put(rid('r1'), { email: ' ' });
    assert.equal(await store.get(rid('r1')), undefined);
    assert.equal(await store.get(rid('nobody')), undefined);
  });

  test('a row whose ciphertext was edited in the database fails to open with VAULT_DECRYPT_FAILED', async () => {
    const db = openDb(':memory:');
    const store = new SqliteContactStore(db, cipherFrom(newVaultKey('k1')));
    await store.put(rid('r1'), { email: 'a@example.org' });
    await store.put(rid('r2'), { email: 'b@example.org' });
    db.prepare(
      "UPDATE contacts SET ciphertext = cast(x'00' || substr(ciphertext, 2) AS BLOB) WHERE report_id = 'r1'",
    ).run();
    await assert.rejects(store.get(rid('r1')), code('VAULT_DECRYPT_FAILED'));
    db.prepare("UPDATE contacts SET report_id = 'r3' WHERE report_id = 'r2'").run();
    await assert.rejects(store.get(rid('r3')), code('VAULT_DECRYPT_FAILED'));
  });

  test('rotation re-seals every row under the new key, in batches, after which the old key can go', async () => {
    const old = newVaultKey('old');
    const fresh = newVaultKey('new');
    const db = openDb(':memory:');
    const before = new SqliteContactStore(db, cipherFrom(old));
    const n = 1234;
    for (let i = 0; i < n; i++) await before.put(rid(`r${i}`), { email: `p${i}@example.org` });
    const raw = () => db.prepare("SELECT key_id, hex(ciphertext) c FROM contacts WHERE report_id = 'r7'").get();
    const sealedBefore = raw();

    const both = new SqliteContactStore(db, cipherFrom(`${fresh},${old}`));
    await assert.rejects(both.rotate('missing'), code('VAULT_UNKNOWN_KEY'));
    assert.equal(await both.rotate('new'), n);
    assert.equal(await both.rotate('new'), 0);
    assert.deepEqual(db.prepare('SELECT key_id, count(*) n FROM contacts GROUP BY key_id').all(), [
      { key_id: 'new', n },
    ]);
    assert.notDeepEqual(raw(), sealedBefore);

    const onlyNew = new SqliteContactStore(db, cipherFrom(fresh));
    assert.deepEqual(await onlyNew.get(rid('r7')), { email: 'p7@example.org' });
    assert.deepEqual(await onlyNew.get(rid(`r${n - 1}`)), { email: `p${n - 1}@example.org` });
    await assert.rejects(new SqliteContactStore(db, cipherFrom(old)).get(rid('r7')), code('VAULT_UNKNOWN_KEY'));
  });

  test('purgeDue removes only rows whose purge time has passed', async () => {
    const store = new SqliteContactStore(openDb(':memory:'), cipherFrom(newVaultKey('k')));
    for (const id of ['due', 'later', 'never', 'exact']) await store.put(rid(id), { name: id });
    assert.equal(await store.setPurgeAfter(rid('due'), 100), true);
    assert.equal(await store.setPurgeAfter(rid('later'), 300), true);
    assert.equal(await store.setPurgeAfter(rid('exact'), 200), true);
    assert.equal(await store.setPurgeAfter(rid('absent'), 100), false);
    assert.deepEqual(await store.purgeDue(200), ['due']);
    assert.deepEqual(await store.purgeDue(200), []);
    assert.equal(await store.get(rid('due')), undefined);
    for (const id of ['later', 'never', 'exact']) assert.deepEqual(await store.get(rid(id)), { name: id });
    assert.equal(await store.setPurgeAfter(rid('later'), null), true);
    assert.deepEqual((await store.purgeDue(10_000)).sort(), ['exact']);
    assert.deepEqual(await store.get(rid('later')), { name: 'later' });
  });

  test('the raw database file and its WAL hold no e-mail, phone or name in plain text', async () => {
    const path = join(dir, 'plain.db');
    const db = openDb(path);
    const store = new SqliteContactStore(db, cipherFrom(newVaultKey('k')));
    const email = 'zebra.quokka.7731@plaintext-probe.example';
    const phone = '+31 6 4477 1923';
    const name = 'Wilhelmina Plaintextprobe';
    for (let i = 0; i < 50; i++) await store.put(rid(`report-probe-${i}`), { email, phone, name });
    await store.put(rid('report-probe-0'), { email, phone: `${phone} ext 2` });
    const files = () => [path, `${path}-wal`].filter(existsSync).map((f) => readFileSync(f));
    const search = (bytes: Buffer[], s: string) => bytes.some((b) => b.includes(Buffer.from(s, 'utf8')));
    const check = (bytes: Buffer[]) => {
      // The search itself works: the report ids are stored in clear and are found.
      assert.ok(search(bytes, 'report-probe-42'), 'control string not found: the search is broken');
      for (const secret of [email, phone, name, 'plaintext-probe', '4477 1923'])
        assert.equal(search(bytes, secret), false, secret);
    };
    const open = files();
    assert.equal(open.length, 2, 'the WAL file exists while the database is open');
    check(open);
    db.close();
    check(files());
  });
});
