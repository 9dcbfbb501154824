import type { Statement } from 'better-sqlite3';
import type { QuarantineStore } from '../../ingest/ports.ts';
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

  constructor(db: Db) {
    this.#list = db.prepare('SELECT * FROM quarantine ORDER BY id LIMIT ? OFFSET ?');
    this.#count = db.prepare('SELECT count(*) AS n FROM quarantine');
  }

  async listQuarantine(filter: { limit: number; offset: number }): Promise<StoredQuarantineEntry[]> {
    return this.#list.all(filter.limit, filter.offset).map((r) => ({
      id: r.id,
      source: r.source,
      raw: r.raw,
      code: r.code as ErrorCode,
      reason: r.reason,
      path: r.path ?? undefined,
      receivedAt: r.received_at,
    }));
  }

  async countQuarantine(): Promise<number> {
    return (this.#count.get() as { n: number }).n;
  }
}
