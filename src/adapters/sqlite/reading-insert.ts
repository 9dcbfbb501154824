import type { Statement } from 'better-sqlite3';
import { type KeyedRows, keyOrder } from '../rows/readings.ts';
import type { Db } from './db.ts';

/** Rows per multi-row INSERT: measured fastest of 16, 64 and 200 (bench/ingest.ts, docs/performance.md). */
export const CHUNK = 64;

const INSERT_ONE =
  'INSERT INTO readings (sensor, metric, ts, value) VALUES (?, ?, ?, ?) ON CONFLICT (sensor, metric, ts) DO NOTHING';
const INSERT_CHUNK = `INSERT INTO readings (sensor, metric, ts, value) VALUES ${Array(CHUNK).fill('(?, ?, ?, ?)').join(', ')}
  ON CONFLICT (sensor, metric, ts) DO NOTHING`;

/** Thrown inside a chunk's savepoint to undo a chunk that was only partly new. */
const PARTLY_NEW = Symbol('partly new');

/** What an insert did: a flag per row (1 stored, 0 duplicate) and the key order it inserted the rows in. */
export interface InsertedRows {
  readonly flags: Uint8Array;
  readonly order: Uint32Array;
}

/**
 * Inserts a batch's readings in key order, CHUNK rows a statement, and returns a flag per row: 1 stored, 0 duplicate.
 * Key order keeps consecutive inserts on the same B-tree pages, and one statement for many rows saves the per-call
 * cost of the driver; together about 1.5× the one-row-a-statement insert. A chunk whose rows were all new or all
 * duplicates needs no more; a chunk that was partly new is undone (its own savepoint) and inserted row by row, so that
 * each row's flag is exact. Must run inside a transaction.
 */
export function readingInserter(db: Db): (rows: KeyedRows) => InsertedRows {
  const one: Statement = db.prepare(INSERT_ONE);
  const chunk: Statement = db.prepare(INSERT_CHUNK);
  const args: number[] = new Array(CHUNK * 4);
  const tryChunk = db.transaction((): number => {
    const changes = chunk.run(args).changes;
    if (changes !== 0 && changes !== CHUNK) throw PARTLY_NEW;
    return changes;
  });
  return (rows) => {
    const n = rows.ts.length;
    const flags = new Uint8Array(n);
    const order = keyOrder(rows);
    let j = 0;
    for (; j + CHUNK <= n; j += CHUNK) {
      for (let k = 0; k < CHUNK; k++) {
        const i = order[j + k] as number;
        args[4 * k] = rows.sensor[i] as number;
        args[4 * k + 1] = rows.metric[i] as number;
        args[4 * k + 2] = rows.ts[i] as number;
        args[4 * k + 3] = rows.value[i] as number;
      }
      let stored: number;
      try {
        stored = tryChunk() === 0 ? 0 : 1;
      } catch (e) {
        if (e !== PARTLY_NEW) throw e;
        stored = -1;
      }
      for (let k = 0; k < CHUNK; k++) {
        const i = order[j + k] as number;
        flags[i] = stored >= 0 ? stored : one.run(rows.sensor[i], rows.metric[i], rows.ts[i], rows.value[i]).changes;
      }
    }
    for (; j < n; j++) {
      const i = order[j] as number;
      flags[i] = one.run(rows.sensor[i], rows.metric[i], rows.ts[i], rows.value[i]).changes;
    }
    return { flags, order };
  };
}
