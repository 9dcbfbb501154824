import { GENESIS_HEAD } from '../../access/audit-chain.ts';
import type { AuditHead } from '../../access/audit-types.ts';
import type { Rollup } from '../../ingest/ports.ts';
import type { StoredQuarantineEntry } from '../../ingest/types.ts';
import type { SessionRow, TokenRow, UserRow } from '../rows/access.ts';
import type { AlertRow } from '../rows/alerts.ts';
import type { AuditRow } from '../rows/audit.ts';
import type { CaseRow, HistoryRow } from '../rows/cases.ts';
import type { ReportRow } from '../rows/reports.ts';

/** A sensor as the readings table knows it: its current cell, and its values per metric keyed by ts. */
export interface SensorSeries {
  cell: string;
  readonly values: Map<string, Map<number, number>>;
}

/** A sealed contact record, as the SQL tables hold it. */
export interface ContactRecord {
  readonly keyId: string;
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
  readonly storedAt: number;
  purgeAfter: number | null;
}

/**
 * The in-process "database": one field per SQL table, shared by every store opened on it (as SQLite's stores share
 * one connection). Rows are the same row shapes the SQL adapters read back (src/adapters/rows/), so decoding them
 * with the shared mappers gives callers exactly what SQLite and PostgreSQL give, in fresh objects every time.
 */
export interface MemoryDb {
  /** sensor id → series; with `metrics`, what the sensors, metrics and readings tables hold. */
  readonly sensors: Map<string, SensorSeries>;
  readonly metrics: Set<string>;
  /** cell → metric → bucket start → aggregates. */
  readonly rollups: Map<string, Map<string, Map<number, Rollup>>>;
  readonly reports: Map<string, ReportRow>;
  /** JSON [source, externalId] → report id: the unique (source, external_id) key. */
  readonly reportKeys: Map<string, string>;
  /** id → entry; ids only ever grow, so insertion order is id order. */
  readonly quarantine: Map<number, StoredQuarantineEntry>;
  readonly alerts: Map<string, AlertRow>;
  readonly cases: Map<string, CaseRow>;
  readonly caseHistory: Map<string, HistoryRow[]>;
  readonly users: Map<string, UserRow>;
  readonly sessions: Map<string, SessionRow>;
  readonly tokens: Map<string, TokenRow>;
  /** Entry seq n at index n - 1. */
  readonly audit: AuditRow[];
  readonly contacts: Map<string, ContactRecord>;
  /** Counters and the audit head (kept apart from the entries, as in the SQL schemas). */
  readonly meta: { readingCount: number; lastQuarantineId: number; auditHead: AuditHead };
}

/** A new, empty database. */
export function openMemoryDb(): MemoryDb {
  return {
    sensors: new Map(),
    metrics: new Set(),
    rollups: new Map(),
    reports: new Map(),
    reportKeys: new Map(),
    quarantine: new Map(),
    alerts: new Map(),
    cases: new Map(),
    caseHistory: new Map(),
    users: new Map(),
    sessions: new Map(),
    tokens: new Map(),
    audit: [],
    contacts: new Map(),
    meta: { readingCount: 0, lastQuarantineId: 0, auditHead: { ...GENESIS_HEAD } },
  };
}

/**
 * Orders text as SQLite's BINARY collation and PostgreSQL's "C" do: by UTF-8 bytes, which is code point order. Plain
 * `<` compares UTF-16 code units, which puts U+E000–U+FFFF after the surrogate pairs of higher code points; shifting
 * the two ranges past each other restores code point order.
 */
export function compareText(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return fixup(x) - fixup(y);
  }
  return a.length - b.length;
}

const fixup = (u: number): number => (u >= 0xe000 ? u - 0x800 : u >= 0xd800 ? u + 0x2000 : u);

/** The first `limit` rows, as SQL's LIMIT takes them: a negative limit means no limit. */
export const take = <T>(rows: T[], limit: number): T[] => (limit < 0 ? rows : rows.slice(0, Math.floor(limit)));

/** The error a SQL database raises for a broken constraint; the batch or call that hit it writes nothing. */
export const constraintError = (what: string): Error => new Error(`memory store: constraint failed: ${what}`);

/** The map under `key` in `outer`, created empty when missing. */
export function inner<K, V>(outer: Map<K, V>, key: K, make: () => V): V {
  let v = outer.get(key);
  if (v === undefined) {
    v = make();
    outer.set(key, v);
  }
  return v;
}
