import type { Statement } from 'better-sqlite3';
import type { Db } from './db.ts';

/**
 * Prepares each distinct SQL text once. Filtered lists build their WHERE clause from whichever filters are set, so
 * there are few distinct texts, and re-preparing one on every call would cost more than the query.
 */
export function statementCache(db: Db): (sql: string) => Statement {
  const cache = new Map<string, Statement>();
  return (sql) => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      cache.set(sql, stmt);
    }
    return stmt;
  };
}
