import { canonicalJson, chainEntries } from '../../access/audit-chain.ts';
import type { AuditAction, AuditEntry, AuditHead, AuditInput, AuditLog, Sha256 } from '../../access/audit-types.ts';
import { nodeSha256 } from '../node-crypto.ts';
import { auditFromRow } from '../rows/audit.ts';
import { constraintError, type MemoryDb, take } from './db.ts';

/**
 * The audit log in memory. An append runs to its end without yielding, so concurrent appends queue up and extend one
 * chain, and a refused input (a field the SQL schema holds NOT NULL) fails the call before anything is written.
 */
export class MemoryAuditLog implements AuditLog {
  readonly #db: MemoryDb;
  readonly #sha256: Sha256;
  constructor(db: MemoryDb, sha256: Sha256 = nodeSha256) {
    this.#db = db;
    this.#sha256 = sha256;
  }

  async append(inputs: readonly AuditInput[]): Promise<AuditEntry[]> {
    for (const i of inputs) {
      for (const f of ['at', 'actor', 'action', 'target'] as const) {
        if (i[f] == null || Number.isNaN(i[f])) throw constraintError(`audit_log.${f} is NOT NULL`);
      }
    }
    const entries = chainEntries(this.#db.meta.auditHead, inputs, this.#sha256);
    for (const e of entries) {
      this.#db.audit.push({
        seq: e.seq,
        at: e.at,
        actor: e.actor,
        action: e.action,
        target: e.target,
        details: canonicalJson(e.details),
        prev_hash: e.prevHash,
        hash: e.hash,
      });
    }
    const last = entries.at(-1);
    if (last) this.#db.meta.auditHead = { seq: last.seq, hash: last.hash };
    return entries;
  }

  async list(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    // Entry seq n sits at index n - 1, so the entries after `afterSeq` start at index floor(afterSeq).
    if (Number.isNaN(afterSeq)) return [];
    const from = Math.max(0, Math.floor(afterSeq));
    return take(this.#db.audit.slice(from), limit).map(auditFromRow);
  }

  async head(): Promise<AuditHead | undefined> {
    return { ...this.#db.meta.auditHead };
  }

  async latest(action: AuditAction): Promise<AuditEntry | undefined> {
    const rows = this.#db.audit;
    for (let i = rows.length - 1; i >= 0; i--) {
      const r = rows[i];
      if (r?.action === action) return auditFromRow(r);
    }
    return undefined;
  }
}
