import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Cipher, type ContactStore, disabledCipher, VaultError } from '../../src/access/vault.ts';
import { aesGcmCipher, newVaultKey, parseVaultKeys } from '../../src/adapters/node-crypto.ts';
import type { ReportId } from '../../src/shared/brand.ts';
import type { Clock } from '../../src/shared/clock.ts';

/**
 * A fresh, empty store per test sealing with `cipher`; `withCipher` opens another ContactStore on the same data (as a
 * restart with other keys would), and `close` disposes of both.
 */
export type MakeContactStore = (
  cipher: Cipher,
  clock: Clock,
) => Promise<{ store: ContactStore; withCipher: (c: Cipher) => ContactStore; close: () => Promise<void> | void }>;

const rid = (s: string) => s as ReportId;
const code = (c: string) => (e: unknown) => e instanceof VaultError && e.code === c;
export const cipherFrom = (text: string): Cipher => {
  const { current, keys } = parseVaultKeys(text);
  return aesGcmCipher(keys, current);
};

/** The ContactStore contract: every adapter must pass it unchanged. */
export function contactStoreContract(adapter: string, make: MakeContactStore): void {
  describe(`ContactStore contract: ${adapter}`, () => {
    test('round trip, replace, and an empty contact stores nothing', async () => {
      const { store, close } = await make(cipherFrom(newVaultKey('k1')), () => 5);
      try {
        await store.put(rid('r1'), { email: 'a@example.org', name: 'Ann Ünïcödé' });
        assert.deepEqual(await store.get(rid('r1')), { email: 'a@example.org', name: 'Ann Ünïcödé' });
        await store.put(rid('r1'), { phone: '+44 20 7946 0000' });
        assert.deepEqual(await store.get(rid('r1')), { phone: '+44 20 7946 0000' });
        await store.put(rid('r1'), { email: ' ' });
        assert.equal(await store.get(rid('r1')), undefined);
        assert.equal(await store.get(rid('nobody')), undefined);
      } finally {
        await close();
      }
    });

    test('purge: scheduled, cancelled, and due ones deleted and named', async () => {
      const { store, close } = await make(cipherFrom(newVaultKey('k1')), () => 5);
      try {
        for (const id of ['r1', 'r2', 'r3']) await store.put(rid(id), { email: `${id}@example.org` });
        assert.equal(await store.setPurgeAfter(rid('r1'), 100), true);
        assert.equal(await store.setPurgeAfter(rid('r2'), 100), true);
        assert.equal(await store.setPurgeAfter(rid('r2'), null), true);
        assert.equal(await store.setPurgeAfter(rid('r3'), 300), true);
        assert.equal(await store.setPurgeAfter(rid('none'), 100), false);
        assert.deepEqual(await store.purgeDue(100), []);
        assert.deepEqual(await store.purgeDue(101), ['r1']);
        assert.equal(await store.get(rid('r1')), undefined);
        assert.deepEqual(await store.get(rid('r2')), { email: 'r2@example.org' });
        assert.deepEqual((await store.purgeDue(10_000)).sort(), ['r3']);
        // Replacing a contact keeps its purge time: a new e-mail address does not extend the retention.
        await store.setPurgeAfter(rid('r2'), 1);
        await store.put(rid('r2'), { email: 'again@example.org' });
        assert.deepEqual(await store.purgeDue(10_000), ['r2']);
      } finally {
        await close();
      }
    });

    test('rotation re-seals every record under the new key; then the old key can go', async () => {
      const old = newVaultKey('old');
      const fresh = newVaultKey('new');
      const { store, withCipher, close } = await make(cipherFrom(old), () => 5);
      try {
        const n = 1203;
        await Promise.all(Array.from({ length: n }, (_, i) => store.put(rid(`r${i}`), { email: `p${i}@example.org` })));
        const both = withCipher(cipherFrom(`${fresh},${old}`));
        await assert.rejects(both.rotate('missing'), code('VAULT_UNKNOWN_KEY'));
        assert.equal(await both.rotate('new'), n);
        assert.equal(await both.rotate('new'), 0);
        const onlyNew = withCipher(cipherFrom(fresh));
        assert.deepEqual(await onlyNew.get(rid('r7')), { email: 'p7@example.org' });
        assert.deepEqual(await onlyNew.get(rid(`r${n - 1}`)), { email: `p${n - 1}@example.org` });
        await assert.rejects(store.get(rid('r7')), code('VAULT_UNKNOWN_KEY'));
      } finally {
        await close();
      }
    });

    test('without vault keys nothing is stored', async () => {
      const { store, close } = await make(disabledCipher, () => 5);
      try {
        await assert.rejects(store.put(rid('r1'), { email: 'a@example.org' }), code('VAULT_KEYS_MISSING'));
        assert.equal(await store.get(rid('r1')), undefined);
      } finally {
        await close();
      }
    });
  });
}
