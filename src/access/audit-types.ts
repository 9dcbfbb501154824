import type { EpochMs } from '../shared/brand.ts';

/**
 * The sensitive acts that leave a trace (issue 4 §3). The log stores the action as text, so verifying an old log never
 * depends on this list; only new writes are held to it.
 */
export const AUDIT_ACTIONS = [
  'login',
  'login.failed',
  'logout',
  'user.changed',
  'token.changed',
  'case.changed',
  'contact.read',
  'contact.purged',
  'contact.rotated',
  'config.changed',
  'export',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** A JSON value as stored in an entry's details (what JSON.parse can give back). */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [k: string]: JsonValue };
export type JsonObject = { readonly [k: string]: JsonValue };

/** What a caller records; the log assigns seq, prevHash and hash. */
export interface AuditInput {
  readonly at: EpochMs;
  /** Who: a user id, `token:<id>`, `system` or `cli:<os user>`. */
  readonly actor: string;
  readonly action: AuditAction;
  /** What it was done to: a case id, a report id, a user id, a config key … */
  readonly target: string;
  readonly details?: JsonObject;
}

/** One stored entry of the hash chain. `action` is a plain string here: see AUDIT_ACTIONS. */
export interface AuditEntry {
  readonly seq: number;
  readonly at: EpochMs;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly details: JsonObject;
  /** The hash of the entry before (64 zeros for the first). */
  readonly prevHash: string;
  /** SHA-256 hex of the canonical serialisation of every other field. */
  readonly hash: string;
}

/** The chain's last seq and hash, kept apart from the entries so that a deleted tail is detected. */
export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

/** The hashing port: SHA-256 of a UTF-8 string, as lowercase hex. */
export type Sha256 = (s: string) => string;

export type ChainBreak =
  | 'seq-gap'
  | 'prev-hash-mismatch'
  | 'hash-mismatch'
  | 'truncated'
  | 'beyond-head'
  | 'head-mismatch';

export type ChainVerdict =
  | { readonly ok: true; readonly count: number }
  | { readonly ok: false; readonly seq: number; readonly reason: ChainBreak };

/** The audit log port: append-only; the adapter computes the chain inside one transaction. */
export interface AuditLog {
  /** Appends the entries in order, atomically, and returns them as stored. */
  append(entries: readonly AuditInput[]): Promise<AuditEntry[]>;
  /** Up to `limit` entries with seq > afterSeq, in seq order. */
  list(afterSeq: number, limit: number): Promise<AuditEntry[]>;
  /** The head kept apart; undefined if its row is gone (which verification treats as a genesis head). */
  head(): Promise<AuditHead | undefined>;
  /** The newest entry with this action, if any. */
  latest(action: AuditAction): Promise<AuditEntry | undefined>;
}
