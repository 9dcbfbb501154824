import { type Cipher, type Contact, type ContactStore, openContact, sealContact } from '../../access/vault.ts';
import type { EpochMs, ReportId } from '../../shared/brand.ts';
import { type Clock, systemClock } from '../../shared/clock.ts';
import { type ContactRow, ROTATE_BATCH, rotateInSteps, sealedOf } from '../rows/contacts.ts';
import { inTx, type Pool, toBuffer } from './db.ts';

/** The contact vault on PostgreSQL: bytea columns with the sealed bytes and the key id, never the plaintext. */
export class PgContactStore implements ContactStore {
  readonly #pool: Pool;
  readonly #cipher: Cipher;
  readonly #clock: Clock;

  constructor(pool: Pool, cipher: Cipher, clock: Clock = systemClock) {
    this.#pool = pool;
    this.#cipher = cipher;
    this.#clock = clock;
  }

  async put(reportId: ReportId, contact: Contact): Promise<void> {
    const s = sealContact(this.#cipher, reportId, contact);
    if (!s) {
      await this.#pool.query('DELETE FROM contacts WHERE report_id = $1', [reportId]);
      return;
    }
    await this.#pool.query(
      `INSERT INTO contacts (report_id, key_id, iv, ciphertext, tag, stored_at, purge_after)
       VALUES ($1, $2, $3, $4, $5, $6, NULL)
       ON CONFLICT (report_id) DO UPDATE SET key_id = excluded.key_id, iv = excluded.iv,
         ciphertext = excluded.ciphertext, tag = excluded.tag, stored_at = excluded.stored_at`,
      [reportId, s.keyId, toBuffer(s.iv), toBuffer(s.ciphertext), toBuffer(s.tag), this.#clock()],
    );
  }

  async get(reportId: ReportId): Promise<Contact | undefined> {
    const { rows } = await this.#pool.query<ContactRow>(
      'SELECT report_id, key_id, iv, ciphertext, tag FROM contacts WHERE report_id = $1',
      [reportId],
    );
    return rows[0] ? openContact(this.#cipher, reportId, sealedOf(rows[0])) : undefined;
  }

  async setPurgeAfter(reportId: ReportId, at: EpochMs | null): Promise<boolean> {
    const r = await this.#pool.query('UPDATE contacts SET purge_after = $1 WHERE report_id = $2', [at, reportId]);
    return (r.rowCount ?? 0) > 0;
  }

  async purgeDue(now: EpochMs): Promise<ReportId[]> {
    const { rows } = await this.#pool.query<{ report_id: string }>(
      'DELETE FROM contacts WHERE purge_after IS NOT NULL AND purge_after < $1 RETURNING report_id',
      [now],
    );
    return rows.map((r) => r.report_id as ReportId);
  }

  async rotate(newKeyId: string): Promise<number> {
    return rotateInSteps(this.#cipher, newKeyId, (keyId) =>
      inTx(this.#pool, async (c) => {
        const { rows } = await c.query<ContactRow>(
          `SELECT report_id, key_id, iv, ciphertext, tag FROM contacts WHERE key_id <> $1
           ORDER BY report_id LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [keyId, ROTATE_BATCH],
        );
        for (const r of rows) {
          const id = r.report_id as ReportId;
          const next = this.#cipher.seal(this.#cipher.open(sealedOf(r), id), id, keyId);
          await c.query('UPDATE contacts SET key_id = $1, iv = $2, ciphertext = $3, tag = $4 WHERE report_id = $5', [
            next.keyId,
            toBuffer(next.iv),
            toBuffer(next.ciphertext),
            toBuffer(next.tag),
            id,
          ]);
        }
        return rows.length;
      }),
    );
  }
}
