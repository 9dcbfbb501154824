import { canonicalJson, chainEntries, GENESIS_HEAD } from '../../access/audit-chain.ts';
import type { AuditAction, AuditEntry, AuditHead, AuditInput, AuditLog, Sha256 } from '../../access/audit-types.ts';
import { nodeSha256 } from '../node-crypto.ts';
import { type AuditRow, auditFromRow } from '../rows/audit.ts';
import { inTx, type Pool } from './db.ts';

/**
 * The audit log on PostgreSQL. An append locks the head row (SELECT … FOR UPDATE) for its transaction, so appends
 * from any number of processes queue up behind each other and extend one chain; entries and head commit together.
 */
export class PgAuditLog implements AuditLog {
  readonly #pool: Pool;
  readonly #sha256: Sha256;
  constructor(pool: Pool, sha256: Sha256 = nodeSha256) {
    this.#pool = pool;
    this.#sha256 = sha256;
  }

  async append(inputs: readonly AuditInput[]): Promise<AuditEntry[]> {
    if (inputs.length === 0) return [];
    return inTx(this.#pool, async (c) => {
      const { rows } = await c.query<AuditHead>('SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE');
      const entries = chainEntries(rows[0] ?? GENESIS_HEAD, inputs, this.#sha256);
      await c.query(
        `INSERT INTO audit_log (seq, at, actor, action, target, details, prev_hash, hash)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
        [
          entries.map((e) => e.seq),
          entries.map((e) => e.at),
          entries.map((e) => e.actor),
          entries.map((e) => e.action),
          entries.map((e) => e.target),
          entries.map((e) => canonicalJson(e.details)),
          entries.map((e) => e.prevHash),
          entries.map((e) => e.hash),
        ],
      );
      const last = entries.at(-1) as AuditEntry;
      await c.query('UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1', [last.seq, last.hash]);
      return entries;
    });
  }

  async list(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    const { rows } = await this.#pool.query<AuditRow>('SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2', [
      afterSeq,
      limit,
    ]);
    return rows.map(auditFromRow);
  }

  async head(): Promise<AuditHead | undefined> {
    return (await this.#pool.query<AuditHead>('SELECT seq, hash FROM audit_head WHERE id = 1')).rows[0];
  }

  async latest(action: AuditAction): Promise<AuditEntry | undefined> {
    const { rows } = await this.#pool.query<AuditRow>(
      'SELECT * FROM audit_log WHERE action = $1 ORDER BY seq DESC LIMIT 1',
      [action],
    );
    return rows[0] === undefined ? undefined : auditFromRow(rows[0]);
  }
}
