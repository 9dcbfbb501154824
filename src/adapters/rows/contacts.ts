import type { Sealed } from '../../access/vault.ts';

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
