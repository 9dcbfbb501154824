import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { type Db, migrate } from './db.ts';
import { SqliteQuarantineStore } from './quarantine.ts';

/** A database as a gridloop that knew migrations 1 to `version` left it. */
function databaseAt(version: number): Db {
  const db = new Database(':memory:');
  assert.equal(migrate(db, version), version);
  return db;
}

const schemaOf = (db: Db, table: string) => ({
  columns: db.prepare('SELECT * FROM pragma_table_info(?)').all(table),
  indexes: db.prepare('SELECT * FROM pragma_index_list(?)').all(table),
  foreignKeys: db.prepare('SELECT * FROM pragma_foreign_key_list(?)').all(table),
});

const otherObjects = (db: Db) =>
  db
    .prepare(
      `SELECT type, name, tbl_name, sql FROM sqlite_master
        WHERE tbl_name NOT IN ('quarantine', 'sqlite_sequence') ORDER BY name`,
    )
    .all();

describe('SQLite migration 007: quarantine ids are never reused', () => {
  test('keeps every quarantine row under its id and the table as it was, and ids carry on from the highest', async () => {
    const db = databaseAt(6);
    const insert = db.prepare(
      'INSERT INTO quarantine (id, source, raw, code, reason, path, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    // Gaps where entries were replayed, a NULL path, and raw text that is not plain ASCII.
    insert.run(1, 'mqtt', '{"n":1}', 'INGEST_WRONG_TYPE', 'value is not a number', '/value', 1_700_000_000_000);
    insert.run(4, 'http', 'ünïcödé \u0000 ✓', 'INGEST_MALFORMED_JSON', 'bad json', null, 1_700_000_000_001);
    insert.run(9, 'import', 'x,y', 'INGEST_OUTSIDE_CITY', 'outside', '/lon', 1_700_000_000_002);
    const rowsBefore = db.prepare('SELECT * FROM quarantine ORDER BY id').all();
    const schemaBefore = schemaOf(db, 'quarantine');
    const othersBefore = otherObjects(db);
    assert.doesNotMatch(sqlOf(db), /AUTOINCREMENT/i);

    assert.ok(migrate(db) >= 7);

    assert.ok((db.pragma('user_version', { simple: true }) as number) >= 7);
    assert.deepEqual(db.prepare('SELECT * FROM quarantine ORDER BY id').all(), rowsBefore);
    assert.deepEqual(schemaOf(db, 'quarantine'), schemaBefore);
    assert.deepEqual(otherObjects(db), othersBefore);
    assert.match(sqlOf(db), /id INTEGER PRIMARY KEY AUTOINCREMENT/);
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');

    // The highest entry deleted, the next one still comes after it.
    const store = new SqliteQuarantineStore(db);
    assert.equal(await store.deleteQuarantine([9]), 1);
    db.prepare(
      "INSERT INTO quarantine (source, raw, code, reason, path, received_at) VALUES ('t', 'next', 'C', 'r', NULL, 1)",
    ).run();
    assert.deepEqual(
      (await store.findQuarantine({ limit: 10 })).map((e) => [e.id, e.raw]),
      [
        [1, '{"n":1}'],
        [4, 'ünïcödé \u0000 ✓'],
        [10, 'next'],
      ],
    );
    db.close();
  });

  test('migrates an empty quarantine table too', () => {
    const db = databaseAt(6);
    migrate(db);
    assert.equal(db.prepare('SELECT count(*) FROM quarantine').pluck().get(), 0);
    assert.match(sqlOf(db), /AUTOINCREMENT/);
    db.close();
  });
});

function sqlOf(db: Db): string {
  return db.prepare("SELECT sql FROM sqlite_master WHERE name = 'quarantine'").pluck().get() as string;
}
