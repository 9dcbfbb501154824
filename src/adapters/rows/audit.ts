import type { AuditEntry, JsonObject } from '../../access/audit-types.ts';

/** An audit_log row, the same in both databases (details is canonical JSON text). */
export interface AuditRow {
  seq: number;
  at: number;
  actor: string;
  action: string;
  target: string;
  details: string;
  prev_hash: string;
  hash: string;
}

/** The audit entry a row holds. */
export const auditFromRow = (r: AuditRow): AuditEntry => ({
  seq: r.seq,
  at: r.at,
  actor: r.actor,
  action: r.action,
  target: r.target,
  details: JSON.parse(r.details) as JsonObject,
  prevHash: r.prev_hash,
  hash: r.hash,
});
