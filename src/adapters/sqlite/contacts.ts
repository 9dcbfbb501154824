import { type Cipher, type Contact, type ContactStore, openContact, sealContact } from '../../access/vault.ts';
import type { EpochMs, ReportId } from '../../shared/brand.ts';
import { type Clock, systemClock } from '../../shared/clock.ts';
import { type ContactRow, ROTATE_BATCH, rotateInSteps, sealedOf } from '../rows/contacts.ts';
import type { Db } from './db.ts';

/** The contact vault on SQLite: only sealed bytes and the key id are stored, never the plaintext. */
export class SqliteContactStore implements ContactStore {
  readonly #cipher: Cipher;
  readonly #clock: Clock;
  readonly #s;
  readonly #rotateBatch: (keyId: string) => number;

  constructor(db: Db, cipher: Cipher, clock: Clock = systemClock) {
    this.#cipher = cipher;
    this.#clock = clock;
    const s = {
      upsert: db.prepare(
        `INSERT INTO contacts (report_id, key_id, iv, ciphertext, tag, stored_at, purge_after)
         VALUES (@report_id, @key_id, @iv, @ciphertext, @tag, @stored_at, NULL)
         ON CONFLICT (report_id) DO UPDATE SET key_id = excluded.key_id, iv = excluded.iv,
           ciphertext = excluded.ciphertext, tag = excluded.tag, stored_at = excluded.stored_at`,
      ),
      remove: db.prepare('DELETE FROM contacts WHERE report_id = ?'),
      get: db.prepare('SELECT report_id, key_id, iv, ciphertext, tag FROM contacts WHERE report_id = ?'),
      setPurge: db.prepare('UPDATE contacts SET purge_after = ? WHERE report_id = ?'),
      purge: db.prepare('DELETE FROM contacts WHERE purge_after IS NOT NULL AND purge_after < ? RETURNING report_id'),
      notUnder: db.prepare(
        'SELECT report_id, key_id, iv, ciphertext, tag FROM contacts WHERE key_id <> ? ORDER BY report_id LIMIT ?',
      ),
      reseal: db.prepare(
        'UPDATE contacts SET key_id = @key_id, iv = @iv, ciphertext = @ciphertext, tag = @tag WHERE report_id = @report_id',
      ),
    };
    this.#s = s;
    this.#rotateBatch = db.transaction((keyId: string): number => {
      const rows = s.notUnder.all(keyId, ROTATE_BATCH) as ContactRow[];
      for (const r of rows) {
        const id = r.report_id as ReportId;
        const plain = this.#cipher.open(sealedOf(r), id);
        const next = this.#cipher.seal(plain, id, keyId);
        s.reseal.run({ report_id: id, key_id: next.keyId, iv: next.iv, ciphertext: next.ciphertext, tag: next.tag });
      }
      return rows.length;
    });
  }

  async put(reportId: ReportId, contact: Contact): Promise<void> {
    const sealed = sealContact(this.#cipher, reportId, contact);
    if (!sealed) {
      this.#s.remove.run(reportId);
      return;
    }
    this.#s.upsert.run({
      report_id: reportId,
      key_id: sealed.keyId,
      iv: sealed.iv,
      ciphertext: sealed.ciphertext,
      tag: sealed.tag,
      stored_at: this.#clock(),
    });
  }

  async get(reportId: ReportId): Promise<Contact | undefined> {
    const row = this.#s.get.get(reportId) as ContactRow | undefined;
    return row ? openContact(this.#cipher, reportId, sealedOf(row)) : undefined;
  }

  async setPurgeAfter(reportId: ReportId, at: EpochMs | null): Promise<boolean> {
    return this.#s.setPurge.run(at, reportId).changes > 0;
  }

  async purgeDue(now: EpochMs): Promise<ReportId[]> {
    return (this.#s.purge.all(now) as { report_id: string }[]).map((r) => r.report_id as ReportId);
  }

  async rotate(newKeyId: string): Promise<number> {
    return rotateInSteps(this.#cipher, newKeyId, (keyId) => this.#rotateBatch(keyId));
  }
}
