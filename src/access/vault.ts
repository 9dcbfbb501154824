import type { EpochMs, ReportId } from '../shared/brand.ts';

/** A reporter's contact details: optional, encrypted at rest, purged on schedule (DESIGN.md §8). */
export interface Contact {
  readonly email?: string;
  readonly phone?: string;
  readonly name?: string;
}

/** One encrypted record: the id of the key it was sealed under, kept beside the ciphertext. */
export interface Sealed {
  readonly keyId: string;
  readonly iv: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly tag: Uint8Array;
}

/**
 * The authenticated-encryption port. `aad` is bound to the ciphertext but not stored in it: the vault passes the report
 * id, so a record copied onto another report fails to open.
 */
export interface Cipher {
  /** The key new records are sealed under. */
  readonly currentKeyId: string;
  hasKey(keyId: string): boolean;
  seal(plaintext: string, aad: string, keyId?: string): Sealed;
  /** Throws VaultError VAULT_UNKNOWN_KEY or VAULT_DECRYPT_FAILED. */
  open(sealed: Sealed, aad: string): string;
}

/** The contact store port. */
export interface ContactStore {
  /** Stores (or replaces) the report's contact, sealed under the current key. */
  put(reportId: ReportId, contact: Contact): Promise<void>;
  /** The decrypted contact, or undefined if none is stored (or it was purged). */
  get(reportId: ReportId): Promise<Contact | undefined>;
  /** Schedules (or, with null, cancels) the purge; false if the report has no stored contact. */
  setPurgeAfter(reportId: ReportId, at: EpochMs | null): Promise<boolean>;
  /** Deletes every contact whose purge time is before `now`; returns their report ids. */
  purgeDue(now: EpochMs): Promise<ReportId[]>;
  /** Re-seals every record not under `newKeyId` under it; returns how many were re-sealed. */
  rotate(newKeyId: string): Promise<number>;
}

/**
 * The vault's own error codes. They are not in ERROR_CODES yet because no HTTP route can raise them; a key problem is
 * an operator's configuration error and a failed decryption is tampering, both reported by the CLI and the log.
 */
export const VAULT_ERROR_CODES = {
  VAULT_KEYS_MISSING: 'GRIDLOOP_VAULT_KEYS is not set.',
  VAULT_KEYS_INVALID: 'GRIDLOOP_VAULT_KEYS is not a comma-separated list of id:base64 entries of 32-byte keys.',
  VAULT_UNKNOWN_KEY: 'A record was sealed under a key id that is not configured.',
  VAULT_DECRYPT_FAILED: 'A record failed authentication: its ciphertext, tag, IV or report id was altered.',
  VAULT_CONTACT_INVALID: 'The contact has a field that is not text or is too long.',
} as const;
export type VaultErrorCode = keyof typeof VAULT_ERROR_CODES;

export class VaultError extends Error {
  readonly code: VaultErrorCode;
  constructor(code: VaultErrorCode, message: string) {
    super(message);
    this.name = 'VaultError';
    this.code = code;
  }
}

const LIMITS = { email: 254, phone: 40, name: 200 } as const;
const FIELDS = ['email', 'phone', 'name'] as const;

/**
 * The plaintext form of a contact: JSON of the known fields only, trimmed, empty ones left out. Undefined when nothing
 * is left, so that an empty contact is never stored.
 */
export function encodeContact(c: Contact): string | undefined {
  const out: Record<string, string> = {};
  for (const f of FIELDS) {
    const v: unknown = c[f];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw new VaultError('VAULT_CONTACT_INVALID', `contact ${f} is not text`);
    const t = v.trim();
    if (t.length > LIMITS[f]) throw new VaultError('VAULT_CONTACT_INVALID', `contact ${f} is over ${LIMITS[f]} chars`);
    if (t !== '') out[f] = t;
  }
  return Object.keys(out).length === 0 ? undefined : JSON.stringify(out);
}

/** Parses the plaintext form back; anything but known text fields means the record is not a contact. */
export function decodeContact(text: string): Contact {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new VaultError('VAULT_DECRYPT_FAILED', 'decrypted record is not JSON');
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new VaultError('VAULT_DECRYPT_FAILED', 'decrypted record is not a contact');
  }
  const o = v as Record<string, unknown>;
  const out: { email?: string; phone?: string; name?: string } = {};
  for (const [k, x] of Object.entries(o)) {
    if (!(FIELDS as readonly string[]).includes(k) || typeof x !== 'string') {
      throw new VaultError('VAULT_DECRYPT_FAILED', 'decrypted record is not a contact');
    }
    out[k as (typeof FIELDS)[number]] = x;
  }
  return out;
}

/** Seals a contact for one report (undefined when the contact is empty). */
export function sealContact(cipher: Cipher, reportId: ReportId, c: Contact, keyId?: string): Sealed | undefined {
  const text = encodeContact(c);
  return text === undefined ? undefined : cipher.seal(text, reportId, keyId);
}

/** Opens a report's sealed contact; throws VaultError if it was tampered with or its key is gone. */
export function openContact(cipher: Cipher, reportId: ReportId, s: Sealed): Contact {
  return decodeContact(cipher.open(s, reportId));
}

/** The cipher when no vault keys are configured: it refuses to seal or open, so no contact is ever stored in clear. */
export const disabledCipher: Cipher = {
  currentKeyId: '(none)',
  hasKey: () => false,
  seal() {
    throw new VaultError('VAULT_KEYS_MISSING', 'no vault keys are configured (GRIDLOOP_VAULT_KEYS)');
  },
  open() {
    throw new VaultError('VAULT_KEYS_MISSING', 'no vault keys are configured (GRIDLOOP_VAULT_KEYS)');
  },
};
