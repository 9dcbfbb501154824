import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export type Db = Database.Database;

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Opens (creating if needed) the SQLite database at `path` (or ':memory:'), in WAL mode, and applies every migration
 * in `migrations/NNN-name.sql` whose number is above the database's `user_version`, each in its own transaction.
 */
export function openDb(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  applyPragmas(db);
  migrate(db);
  return db;
}

/**
 * The connection settings of every gridloop database (the ingest benchmark's raw baseline uses them too). WAL with
 * synchronous=NORMAL is durable across a process crash, and loses at most the last commits on a power cut. A WAL of up
 * to 10,000 pages (about 40 MB) between checkpoints measured about a fifth faster for ingest than the default 1,000,
 * since each checkpoint rewrites and syncs the pages that every batch touches.
 */
export function applyPragmas(db: Db): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536');
  db.pragma('wal_autocheckpoint = 10000');
}

/** Applies the pending migrations up to `target` (default all); answers the version reached. */
export function migrate(db: Db, target = Number.POSITIVE_INFINITY): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{3}-[a-z0-9-]+\.sql$/.test(f))
    .sort();
  let version = current;
  for (const file of files) {
    const n = Number(file.slice(0, 3));
    if (n <= current || n > target) continue;
    const sql = readFileSync(join(MIGRATIONS_DIR, file), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${n}`);
    })();
    version = n;
  }
  return version;
}
