import { canonicalJson, chainEntries, GENESIS_HEAD } from '../../access/audit-chain.ts';
import type { AuditAction, AuditEntry, AuditHead, AuditInput, AuditLog, Sha256 } from '../../access/audit-types.ts';
import { nodeSha256 } from '../node-crypto.ts';
import { type AuditRow, auditFromRow } from '../rows/audit.ts';
import type { Db } from './db.ts';

/** The audit log on SQLite: entries and head move together in one IMMEDIATE transaction, so writers never fork the chain. */
export class SqliteAuditLog implements AuditLog {
  readonly #append: (inputs: readonly AuditInput[]) => AuditEntry[];
  readonly #list;
  readonly #head;
  readonly #latest;

  constructor(db: Db, sha256: Sha256 = nodeSha256) {
    const insert = db.prepare(
      `INSERT INTO audit_log (seq, at, actor, action, target, details, prev_hash, hash)
       VALUES (@seq, @at, @actor, @action, @target, @details, @prevHash, @hash)`,
    );
    const setHead = db.prepare('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1');
    this.#head = db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1');
    this.#list = db.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?');
    this.#latest = db.prepare('SELECT * FROM audit_log WHERE action = ? ORDER BY seq DESC LIMIT 1');
    const tx = db.transaction((inputs: readonly AuditInput[]): AuditEntry[] => {
      const head = (this.#head.get() as AuditHead | undefined) ?? GENESIS_HEAD;
      const entries = chainEntries(head, inputs, sha256);
      for (const e of entries) insert.run({ ...e, details: canonicalJson(e.details) });
      const last = entries.at(-1);
      if (last) setHead.run(last.seq, last.hash);
      return entries;
    });
    this.#append = (inputs) => tx.immediate(inputs);
  }

  async append(entries: readonly AuditInput[]): Promise<AuditEntry[]> {
    return entries.length === 0 ? [] : this.#append(entries);
  }

  async list(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    return (this.#list.all(afterSeq, limit) as AuditRow[]).map(auditFromRow);
  }

  async head(): Promise<AuditHead | undefined> {
    return this.#head.get() as AuditHead | undefined;
  }

  async latest(action: AuditAction): Promise<AuditEntry | undefined> {
    const row = this.#latest.get(action);
    return row === undefined ? undefined : auditFromRow(row as AuditRow);
  }
}
