import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** bigint (int8) columns hold epoch ms, counts and seqs, all well inside 2^53: parse them as numbers. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 && format !== 'binary'
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

const SETTING = /^[a-z_.]+$/;
const VALUE = /^[A-Za-z0-9_.-]+$/;

/**
 * A pool on `url` whose connections use `schema` (validated: lowercase identifier) as their search_path, with extra
 * session settings (`-c name=value`, validated) if given.
 */
export function createPool(
  url: string,
  schema?: string,
  max = 10,
  settings: Readonly<Record<string, string>> = {},
): Pool {
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) throw new Error(`invalid PostgreSQL schema name: ${schema}`);
  const config: pg.PoolConfig = { connectionString: url, max, types, connectionTimeoutMillis: 10_000 };
  const all = { ...settings, ...(schema !== undefined ? { search_path: schema } : {}) };
  for (const [k, v] of Object.entries(all)) {
    if (!SETTING.test(k) || !VALUE.test(v)) throw new Error(`invalid PostgreSQL setting: ${k}=${v}`);
  }
  const options = Object.entries(all).map(([k, v]) => `-c ${k}=${v}`);
  if (options.length > 0) config.options = options.join(' ');
  const pool = new pg.Pool(config);
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return pool;
}

/** Runs `fn` in a transaction on one connection: commits on success, rolls back and rethrows on failure. */
export async function inTx<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}

/**
 * Applies every migrations/NNN-name.sql not yet in schema_migrations, all in one transaction under an advisory lock
 * keyed on the schema, so that several processes starting at once apply each migration exactly once. Creates the
 * schema first if it is named and missing. Returns the version reached.
 */
export async function migrate(pool: Pool, schema?: string): Promise<number> {
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{3}-[a-z0-9-]+\.sql$/.test(f))
    .sort();
  return inTx(pool, async (c) => {
    const name = schema ?? ((await c.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]?.s as string);
    await c.query("SELECT pg_advisory_xact_lock(hashtext('gridloop.migrate.' || $1))", [name]);
    if (schema !== undefined) {
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await c.query(`SET LOCAL search_path TO ${schema}`);
    }
    await c.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await c.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
    );
    let version = Math.max(0, ...done);
    for (const file of files) {
      const n = Number(file.slice(0, 3));
      if (done.has(n)) continue;
      await c.query(readFileSync(join(MIGRATIONS_DIR, file), 'utf8'));
      await c.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [n, file]);
      version = Math.max(version, n);
    }
    return version;
  });
}

/** Turns bytes from a port (any Uint8Array) into the Buffer that pg sends as bytea. */
export const toBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
