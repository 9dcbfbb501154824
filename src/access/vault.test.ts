import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { aesGcmCipher, newVaultKey, parseVaultKeys, vaultCipherFromEnv } from '../adapters/node-crypto.ts';
import type { ReportId } from '../shared/brand.ts';
import { decodeContact, encodeContact, openContact, sealContact, VaultError } from './vault.ts';

const rid = (s: string) => s as ReportId;
const code = (c: string) => (e: unknown) => e instanceof VaultError && e.code === c;
const cipherOf = (...ids: string[]) => {
  const { current, keys } = parseVaultKeys(ids.map(newVaultKey).join(','));
  return aesGcmCipher(keys, current);
};

describe('vault keys from the environment', () => {
  test('the first key is current; every key is kept', () => {
    const { current, keys } = parseVaultKeys(`${newVaultKey('k2')}, ${newVaultKey('k1')}`);
    assert.equal(current, 'k2');
    assert.deepEqual([...keys.keys()], ['k2', 'k1']);
    assert.equal(vaultCipherFromEnv({ GRIDLOOP_VAULT_KEYS: newVaultKey('env') }).currentKeyId, 'env');
  });

  test('missing, short, malformed and duplicate keys are refused with a clear code', () => {
    assert.throws(() => parseVaultKeys(undefined), code('VAULT_KEYS_MISSING'));
    assert.throws(() => parseVaultKeys('  '), code('VAULT_KEYS_MISSING'));
    assert.throws(() => vaultCipherFromEnv({}), code('VAULT_KEYS_MISSING'));
    const short = Buffer.alloc(16, 1).toString('base64');
    assert.throws(() => parseVaultKeys(`k:${short}`), code('VAULT_KEYS_INVALID'));
    assert.throws(() => parseVaultKeys(`k:${Buffer.alloc(33, 1).toString('base64')}`), code('VAULT_KEYS_INVALID'));
    assert.throws(() => parseVaultKeys(Buffer.alloc(32, 1).toString('base64')), code('VAULT_KEYS_INVALID'));
    assert.throws(() => parseVaultKeys(`k:not base64!`), code('VAULT_KEYS_INVALID'));
    assert.throws(() => parseVaultKeys(`${newVaultKey('k')},${newVaultKey('k')}`), code('VAULT_KEYS_INVALID'));
    assert.throws(() => parseVaultKeys(`${newVaultKey('k')},`), code('VAULT_KEYS_INVALID'));
  });
});

describe('contact sealing (AES-256-GCM)', () => {
  test('round trip of any contact, with a fresh IV per record', () => {
    const cipher = cipherOf('a');
    const field = fc.string({ minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(fc.record({ email: field, phone: field, name: field }, { requiredKeys: [] }), (c) => {
        const plain = encodeContact(c);
        const sealed = sealContact(cipher, rid('r1'), c);
        if (plain === undefined) return assert.equal(sealed, undefined);
        assert.ok(sealed);
        assert.equal(sealed.iv.length, 12);
        assert.equal(sealed.tag.length, 16);
        assert.deepEqual(openContact(cipher, rid('r1'), sealed), decodeContact(plain));
      }),
      { numRuns: 200 },
    );
    const c = { email: 'a@b.example', phone: '+1 555 0100', name: 'Ann' };
    const s1 = sealContact(cipher, rid('r1'), c)!;
    const s2 = sealContact(cipher, rid('r1'), c)!;
    assert.notDeepEqual(Buffer.from(s1.iv), Buffer.from(s2.iv));
    assert.deepEqual(openContact(cipher, rid('r1'), s1), c);
  });

  test('a tampered ciphertext, tag or IV, or another report id, fails authentication', () => {
    const cipher = cipherOf('a');
    const s = sealContact(cipher, rid('r1'), { email: 'someone@example.org' })!;
    const flip = (b: Uint8Array, i = 0) => {
      const c = Buffer.from(b);
      c[i] = (c[i] ?? 0) ^ 1;
      return c;
    };
    assert.throws(
      () => openContact(cipher, rid('r1'), { ...s, ciphertext: flip(s.ciphertext, 3) }),
      code('VAULT_DECRYPT_FAILED'),
    );
    assert.throws(() => openContact(cipher, rid('r1'), { ...s, tag: flip(s.tag) }), code('VAULT_DECRYPT_FAILED'));
    assert.throws(() => openContact(cipher, rid('r1'), { ...s, iv: flip(s.iv) }), code('VAULT_DECRYPT_FAILED'));
    assert.throws(() => openContact(cipher, rid('r1'), { ...s, tag: s.tag.slice(0, 8) }), code('VAULT_DECRYPT_FAILED'));
    assert.throws(() => openContact(cipher, rid('r2'), s), code('VAULT_DECRYPT_FAILED'));
    assert.throws(() => openContact(cipherOf('a'), rid('r1'), s), code('VAULT_DECRYPT_FAILED'));
    assert.throws(() => openContact(cipherOf('b'), rid('r1'), s), code('VAULT_UNKNOWN_KEY'));
    assert.deepEqual(openContact(cipher, rid('r1'), s), { email: 'someone@example.org' });
  });

  test('contacts keep known text fields only, trimmed; empty ones are not stored; long ones are refused', () => {
    assert.equal(encodeContact({}), undefined);
    assert.equal(encodeContact({ email: '  ', name: '' }), undefined);
    assert.equal(encodeContact({ email: ' a@b.c ', phone: '1' }), '{"email":"a@b.c","phone":"1"}');
    assert.equal(encodeContact({ name: 'x', extra: 'y' } as never), '{"name":"x"}');
    assert.throws(() => encodeContact({ email: 'a'.repeat(255) }), code('VAULT_CONTACT_INVALID'));
    assert.throws(() => encodeContact({ phone: 5 } as never), code('VAULT_CONTACT_INVALID'));
    assert.throws(() => decodeContact('{"email":1}'), code('VAULT_DECRYPT_FAILED'));
    assert.throws(() => decodeContact('{"other":"x"}'), code('VAULT_DECRYPT_FAILED'));
    assert.throws(() => decodeContact('[]'), code('VAULT_DECRYPT_FAILED'));
  });
});
