import {
  type Cipher,
  type Contact,
  type ContactStore,
  openContact,
  type Sealed,
  sealContact,
} from '../../access/vault.ts';
import type { EpochMs, ReportId } from '../../shared/brand.ts';
import { type Clock, systemClock } from '../../shared/clock.ts';
import { ROTATE_BATCH, rotateInSteps } from '../rows/contacts.ts';
import { type ContactRecord, compareText, type MemoryDb } from './db.ts';

/** Copies of the sealed bytes (as Buffers, like both SQL drivers): neither the cipher nor a reader may alias them. */
const copySealed = (s: Sealed): Pick<ContactRecord, 'keyId' | 'iv' | 'ciphertext' | 'tag'> => ({
  keyId: s.keyId,
  iv: Buffer.from(s.iv),
  ciphertext: Buffer.from(s.ciphertext),
  tag: Buffer.from(s.tag),
});

/** The contact vault in memory: like the SQL stores, it holds only sealed bytes and the key id, never the plaintext. */
export class MemoryContactStore implements ContactStore {
  readonly #db: MemoryDb;
  readonly #cipher: Cipher;
  readonly #clock: Clock;

  constructor(db: MemoryDb, cipher: Cipher, clock: Clock = systemClock) {
    this.#db = db;
    this.#cipher = cipher;
    this.#clock = clock;
  }

  /** Replacing a contact keeps its purge time: a new address does not extend the retention. */
  async put(reportId: ReportId, contact: Contact): Promise<void> {
    const sealed = sealContact(this.#cipher, reportId, contact);
    if (!sealed) {
      this.#db.contacts.delete(reportId);
      return;
    }
    const purgeAfter = this.#db.contacts.get(reportId)?.purgeAfter ?? null;
    this.#db.contacts.set(reportId, { ...copySealed(sealed), storedAt: this.#clock(), purgeAfter });
  }

  async get(reportId: ReportId): Promise<Contact | undefined> {
    const r = this.#db.contacts.get(reportId);
    return r ? openContact(this.#cipher, reportId, copySealed(r)) : undefined;
  }

  async setPurgeAfter(reportId: ReportId, at: EpochMs | null): Promise<boolean> {
    const r = this.#db.contacts.get(reportId);
    if (r === undefined) return false;
    r.purgeAfter = at;
    return true;
  }

  /** The purged report ids in id order. */
  async purgeDue(now: EpochMs): Promise<ReportId[]> {
    const due: ReportId[] = [];
    for (const [id, r] of this.#db.contacts) if (r.purgeAfter !== null && r.purgeAfter < now) due.push(id as ReportId);
    for (const id of due) this.#db.contacts.delete(id);
    return due.sort(compareText);
  }

  async rotate(newKeyId: string): Promise<number> {
    return rotateInSteps(this.#cipher, newKeyId, (keyId) => this.#rotateBatch(keyId));
  }

  /** Re-seals up to ROTATE_BATCH records not under `keyId`; all are sealed before any is stored. */
  #rotateBatch(keyId: string): number {
    const ids = [...this.#db.contacts]
      .filter(([, r]) => r.keyId !== keyId)
      .map(([id]) => id)
      .sort(compareText)
      .slice(0, ROTATE_BATCH);
    const next = ids.map((id): [string, ContactRecord] => {
      const r = this.#db.contacts.get(id) as ContactRecord;
      return [id, { ...r, ...copySealed(this.#cipher.seal(this.#cipher.open(copySealed(r), id), id, keyId)) }];
    });
    for (const [id, r] of next) this.#db.contacts.set(id, r);
    return ids.length;
  }
}
