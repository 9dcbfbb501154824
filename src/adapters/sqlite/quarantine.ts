import type { Statement } from 'better-sqlite3';
import type { QuarantineFilter, QuarantineStore } from '../../ingest/ports.ts';
import type { QuarantineEntry, StoredQuarantineEntry } from '../../ingest/types.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import type { Db } from './db.ts';

interface Row {
  id: number;
  source: string;
  raw: string;
  code: string;
  reason: string;
  path: string | null;
  received_at: number;
}

/** The statement that the reading and report stores share to write a batch's quarantine rows in their transaction. */
export function insertQuarantineStatement(db: Db): Statement {
  return db.prepare('INSERT INTO quarantine (source, raw, code, reason, path, received_at) VALUES (?, ?, ?, ?, ?, ?)');
}

/** Writes quarantine rows; call it inside the batch's transaction. */
export function writeQuarantine(insert: Statement, entries: readonly QuarantineEntry[]): void {
  for (const q of entries) insert.run(q.source, q.raw, q.code, q.reason, q.path ?? null, q.receivedAt);
}

/** Records that could not be stored, with their raw input and reason. */
export class SqliteQuarantineStore implements QuarantineStore {
  readonly #list: Statement<[number, number], Row>;
  readonly #count: Statement<[], { n: number }>;
  readonly #find: Statement<[number, string | null, string | null, string | null, string | null, number], Row>;
  readonly #delete: Statement<[string], unknown>;

  constructor(db: Db) {
    this.#list = db.prepare('SELECT * FROM quarantine ORDER BY id LIMIT ? OFFSET ?');
    this.#count = db.prepare('SELECT count(*) AS n FROM quarantine');
    this.#find = db.prepare(
      `SELECT * FROM quarantine WHERE id > ? AND (? IS NULL OR code = ?)
         AND (? IS NULL OR id IN (SELECT value FROM json_each(?))) ORDER BY id LIMIT ?`,
    );
    this.#delete = db.prepare('DELETE FROM quarantine WHERE id IN (SELECT value FROM json_each(?))');
  }

  async listQuarantine(filter: { limit: number; offset: number }): Promise<StoredQuarantineEntry[]> {
    return this.#list.all(filter.limit, filter.offset).map(toEntry);
  }

  async findQuarantine(filter: QuarantineFilter): Promise<StoredQuarantineEntry[]> {
    const ids = filter.ids === undefined ? null : JSON.stringify(filter.ids);
    const code = filter.code ?? null;
    return this.#find.all(filter.afterId ?? 0, code, code, ids, ids, filter.limit).map(toEntry);
  }

  async deleteQuarantine(ids: readonly number[]): Promise<number> {
    if (ids.length === 0) return 0;
    return (this.#delete.run(JSON.stringify(ids)) as { changes: number }).changes;
  }

  async countQuarantine(): Promise<number> {
    return (this.#count.get() as { n: number }).n;
  }
}

function toEntry(r: Row): StoredQuarantineEntry {
  return {
    id: r.id,
    source: r.source,
    raw: r.raw,
    code: r.code as ErrorCode,
    reason: r.reason,
    path: r.path ?? undefined,
    receivedAt: r.received_at,
  };
}
