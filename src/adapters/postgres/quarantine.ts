import type { QuarantineFilter, QuarantineStore } from '../../ingest/ports.ts';
import type { QuarantineEntry, StoredQuarantineEntry } from '../../ingest/types.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import type { Pool, PoolClient } from './db.ts';

/** Writes a batch's quarantine rows, in input order, on the batch's transaction. */
export async function writeQuarantine(c: PoolClient, entries: readonly QuarantineEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await c.query(
    `INSERT INTO quarantine (source, raw, code, reason, path, received_at)
     SELECT source, raw, code, reason, path, received_at
     FROM unnest($1::text[], $2::bytea[], $3::text[], $4::text[], $5::text[], $6::bigint[])
       WITH ORDINALITY AS q (source, raw, code, reason, path, received_at, n)
     ORDER BY n`,
    [
      entries.map((q) => q.source),
      entries.map((q) => Buffer.from(q.raw, 'utf8')),
      entries.map((q) => q.code),
      entries.map((q) => q.reason),
      entries.map((q) => q.path ?? null),
      entries.map((q) => q.receivedAt),
    ],
  );
}

interface Row {
  id: number;
  source: string;
  raw: Buffer;
  code: string;
  reason: string;
  path: string | null;
  received_at: number;
}

/** Records that could not be stored, with their raw input (as UTF-8 bytes, NUL included) and reason. */
export class PgQuarantineStore implements QuarantineStore {
  readonly #pool: Pool;
  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async listQuarantine(filter: { limit: number; offset: number }): Promise<StoredQuarantineEntry[]> {
    const { rows } = await this.#pool.query<Row>('SELECT * FROM quarantine ORDER BY id LIMIT $1 OFFSET $2', [
      filter.limit,
      filter.offset,
    ]);
    return rows.map(toEntry);
  }

  async findQuarantine(filter: QuarantineFilter): Promise<StoredQuarantineEntry[]> {
    const { rows } = await this.#pool.query<Row>(
      `SELECT * FROM quarantine WHERE id > $1 AND ($2::text IS NULL OR code = $2)
         AND ($3::bigint[] IS NULL OR id = ANY($3::bigint[])) ORDER BY id LIMIT $4`,
      [filter.afterId ?? 0, filter.code ?? null, filter.ids === undefined ? null : [...filter.ids], filter.limit],
    );
    return rows.map(toEntry);
  }

  async deleteQuarantine(ids: readonly number[]): Promise<number> {
    if (ids.length === 0) return 0;
    const r = await this.#pool.query('DELETE FROM quarantine WHERE id = ANY($1::bigint[])', [[...ids]]);
    return r.rowCount ?? 0;
  }

  async countQuarantine(): Promise<number> {
    return (await this.#pool.query<{ n: number }>('SELECT count(*) AS n FROM quarantine')).rows[0]?.n ?? 0;
  }
}

const toEntry = (r: Row): StoredQuarantineEntry => ({
  id: r.id,
  source: r.source,
  raw: r.raw.toString('utf8'),
  code: r.code as ErrorCode,
  reason: r.reason,
  path: r.path ?? undefined,
  receivedAt: r.received_at,
});
