import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Sha256 } from '../access/audit-types.ts';
import { type Cipher, type Sealed, VaultError } from '../access/vault.ts';

/** SHA-256 of a UTF-8 string as lowercase hex: the audit chain's hash port. */
export const nodeSha256: Sha256 = (s) => createHash('sha256').update(s, 'utf8').digest('hex');

/** The environment variable holding the vault keys: `id:base64key,id:base64key`, the first one current. */
export const VAULT_KEYS_ENV = 'GRIDLOOP_VAULT_KEYS';

const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Parses and validates the key list; throws VaultError VAULT_KEYS_MISSING or VAULT_KEYS_INVALID. */
export function parseVaultKeys(text: string | undefined): { current: string; keys: Map<string, Buffer> } {
  if (text === undefined || text.trim() === '') {
    throw new VaultError('VAULT_KEYS_MISSING', `${VAULT_KEYS_ENV} is not set: give it id:base64key (32-byte keys)`);
  }
  const keys = new Map<string, Buffer>();
  for (const part of text.split(',')) {
    const item = part.trim();
    const colon = item.indexOf(':');
    const id = colon < 0 ? '' : item.slice(0, colon);
    const b64 = colon < 0 ? '' : item.slice(colon + 1);
    if (!KEY_ID.test(id)) throw new VaultError('VAULT_KEYS_INVALID', `${VAULT_KEYS_ENV}: entry without a valid id`);
    if (keys.has(id)) throw new VaultError('VAULT_KEYS_INVALID', `${VAULT_KEYS_ENV}: key id ${id} appears twice`);
    const key = BASE64.test(b64) ? Buffer.from(b64, 'base64') : Buffer.alloc(0);
    if (key.length !== 32) {
      throw new VaultError('VAULT_KEYS_INVALID', `${VAULT_KEYS_ENV}: key ${id} is not 32 bytes of base64`);
    }
    keys.set(id, key);
  }
  const current = keys.keys().next().value as string;
  return { current, keys };
}

/**
 * AES-256-GCM with a fresh 12-byte random IV per record and a 16-byte tag. A random IV is safe for up to about 2^32
 * records per key, far beyond one city's reports between rotations.
 */
export function aesGcmCipher(keys: ReadonlyMap<string, Uint8Array>, currentKeyId: string): Cipher {
  if (!keys.has(currentKeyId)) throw new VaultError('VAULT_UNKNOWN_KEY', `no key ${currentKeyId}`);
  const keyOf = (id: string): Uint8Array => {
    const k = keys.get(id);
    if (!k) throw new VaultError('VAULT_UNKNOWN_KEY', `record sealed under key ${id}, which is not configured`);
    return k;
  };
  return {
    currentKeyId,
    hasKey: (id) => keys.has(id),
    seal(plaintext, aad, keyId = currentKeyId): Sealed {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', keyOf(keyId), iv);
      c.setAAD(Buffer.from(aad, 'utf8'));
      const ciphertext = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
      return { keyId, iv, ciphertext, tag: c.getAuthTag() };
    },
    open(s, aad): string {
      const key = keyOf(s.keyId);
      try {
        const d = createDecipheriv('aes-256-gcm', key, s.iv, { authTagLength: 16 });
        d.setAAD(Buffer.from(aad, 'utf8'));
        d.setAuthTag(s.tag);
        return Buffer.concat([d.update(s.ciphertext), d.final()]).toString('utf8');
      } catch {
        throw new VaultError('VAULT_DECRYPT_FAILED', `contact record under key ${s.keyId} failed authentication`);
      }
    },
  };
}

/** The vault cipher from the environment (GRIDLOOP_VAULT_KEYS); throws VaultError if it is missing or malformed. */
export function vaultCipherFromEnv(env: NodeJS.ProcessEnv = process.env): Cipher {
  const { current, keys } = parseVaultKeys(env[VAULT_KEYS_ENV]);
  return aesGcmCipher(keys, current);
}

/** A fresh random key in the env format, for `id:base64` setup and tests. */
export const newVaultKey = (id: string): string => `${id}:${randomBytes(32).toString('base64')}`;

/** A cipher with one random key that lives only in this process: for the demo and tests, never for a real city. */
export const ephemeralCipher = (): Cipher => aesGcmCipher(new Map([['ephemeral', randomBytes(32)]]), 'ephemeral');
