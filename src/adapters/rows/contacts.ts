import { type Cipher, type Sealed, VaultError } from '../../access/vault.ts';

/** A contacts row as read back: both drivers return BLOB and bytea columns as Buffers. */
export interface ContactRow {
  report_id: string;
  key_id: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/** The sealed contact a row holds. */
export const sealedOf = (r: ContactRow): Sealed => ({
  keyId: r.key_id,
  iv: r.iv,
  ciphertext: r.ciphertext,
  tag: r.tag,
});

/** Records re-sealed per step of rotate(): short transactions keep the database writable for the server. */
export const ROTATE_BATCH = 500;

/**
 * Every contact store's rotate(): refuses a key the cipher does not hold, then re-seals `step` by `step` (each all or
 * nothing, at most ROTATE_BATCH records not yet under the key) until a step comes back short. Answers the total.
 */
export async function rotateInSteps(
  cipher: Cipher,
  keyId: string,
  step: (keyId: string) => number | Promise<number>,
): Promise<number> {
  if (!cipher.hasKey(keyId)) throw new VaultError('VAULT_UNKNOWN_KEY', `no key ${keyId} to rotate to`);
  let total = 0;
  for (;;) {
    const n = await step(keyId);
    total += n;
    if (n < ROTATE_BATCH) return total;
  }
}
