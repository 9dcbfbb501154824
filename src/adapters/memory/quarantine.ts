import type { QuarantineFilter, QuarantineStore } from '../../ingest/ports.ts';
import type { QuarantineEntry, StoredQuarantineEntry } from '../../ingest/types.ts';
import { constraintError, type MemoryDb, take } from './db.ts';

/** Refuses entries the SQL tables would (a NOT NULL column left empty); call before writing anything of a batch. */
export function checkQuarantine(entries: readonly QuarantineEntry[]): void {
  for (const q of entries) {
    for (const f of ['source', 'raw', 'code', 'reason', 'receivedAt'] as const) {
      if (q[f] == null || Number.isNaN(q[f])) throw constraintError(`quarantine.${f} is NOT NULL`);
    }
  }
}

/** Stores a batch's checked entries under new ids, in input order. */
export function writeQuarantine(db: MemoryDb, entries: readonly QuarantineEntry[]): void {
  for (const q of entries) {
    const id = ++db.meta.lastQuarantineId;
    db.quarantine.set(id, { ...copy(q), id });
  }
}

/** Records that could not be stored, with their raw input and reason. Ids are never reused, as in every store. */
export class MemoryQuarantineStore implements QuarantineStore {
  readonly #db: MemoryDb;
  constructor(db: MemoryDb) {
    this.#db = db;
  }

  async listQuarantine(filter: { limit: number; offset: number }): Promise<StoredQuarantineEntry[]> {
    const all = [...this.#db.quarantine.values()].slice(Math.max(0, filter.offset));
    return take(all, filter.limit).map(stored);
  }

  async findQuarantine(filter: QuarantineFilter): Promise<StoredQuarantineEntry[]> {
    const after = filter.afterId ?? 0;
    const ids = filter.ids === undefined ? undefined : new Set(filter.ids);
    const hits = [...this.#db.quarantine.values()].filter(
      (e) => e.id > after && (filter.code === undefined || e.code === filter.code) && (ids?.has(e.id) ?? true),
    );
    return take(hits, filter.limit).map(stored);
  }

  async deleteQuarantine(ids: readonly number[]): Promise<number> {
    let n = 0;
    for (const id of ids) if (this.#db.quarantine.delete(id)) n++;
    return n;
  }

  async countQuarantine(): Promise<number> {
    return this.#db.quarantine.size;
  }
}

/** Only the entry's own fields, so neither extra properties nor later changes by the caller reach the store. */
const copy = (q: QuarantineEntry): QuarantineEntry => ({
  source: q.source,
  raw: q.raw,
  code: q.code,
  reason: q.reason,
  path: q.path ?? undefined,
  receivedAt: q.receivedAt,
});

const stored = (e: StoredQuarantineEntry): StoredQuarantineEntry => ({ id: e.id, ...copy(e) });
