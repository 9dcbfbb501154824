/**
 * Tampering with the audit log (issue 4): an attacker with the database file edits or deletes rows, and
 * `gridloop audit verify` names the first broken entry. Runs the real CLI in a child process once program.ts registers
 * the `audit` command; until then, the same command module through a minimal commander program.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { AuditInput } from '../../src/access/audit-types.ts';
import { SqliteAuditLog } from '../../src/adapters/sqlite/audit.ts';
import { openDb } from '../../src/adapters/sqlite/db.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WIRED = readFileSync(join(ROOT, 'src', 'cli', 'program.ts'), 'utf8').includes('auditCommand(program)');
const STANDALONE = [
  "import { Command } from 'commander';",
  "import { auditCommand } from './src/cli/commands/audit.ts';",
  "const program = new Command('gridloop');",
  'auditCommand(program);',
  "await program.parseAsync(process.argv.slice(1), { from: 'user' });",
].join('\n');

/** Runs `gridloop ARGS` and returns its exit code and output. */
function gridloop(...args: string[]) {
  const argv = WIRED
    ? ['--import', 'tsx', 'src/main.ts', ...args]
    : ['--import', 'tsx', '--input-type=module', '-e', STANDALONE, ...args];
  const r = spawnSync(process.execPath, argv, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const root = mkdtempSync(join(tmpdir(), 'gridloop-audit-'));
after(() => rmSync(root, { recursive: true, force: true }));

const entry = (i: number): AuditInput => ({
  at: 1_767_000_000_000 + i * 1000,
  actor: i % 2 ? 'supervisor-a' : 'dispatcher-b',
  action: (['login', 'case.changed', 'contact.read', 'export'] as const)[i % 4]!,
  target: `case-${i}`,
  details: { from: 'registered', to: 'dispatched', i },
});

/** A fresh data folder whose database holds `n` audit entries appended through the adapter, in a few batches. */
async function dataDirWith(name: string, n: number): Promise<{ dir: string; db: string }> {
  const dir = join(root, name);
  const path = join(dir, 'gridloop.db');
  const db = openDb(path);
  const log = new SqliteAuditLog(db);
  for (let i = 1; i <= n; i += 4) {
    await log.append(Array.from({ length: Math.min(4, n - i + 1) }, (_, k) => entry(i + k)));
  }
  db.close();
  return { dir, db: path };
}

/** Direct writes, as someone with the file would make them: the append-only triggers are dropped first. */
function tamper(path: string, sql: string): void {
  const db = new Database(path);
  db.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
  db.exec(sql);
  db.close();
}

describe(`gridloop audit verify (${WIRED ? 'real CLI' : 'audit command module, not yet wired in program.ts'})`, () => {
  test('an untampered log verifies: exit 0 with the count', async () => {
    const { dir } = await dataDirWith('clean', 10);
    const r = gridloop('audit', 'verify', '--data', dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /ok: 10 entries/);
  });

  test('one row edited in the database: exit 1 naming that seq', async () => {
    const { dir, db } = await dataDirWith('edited', 10);
    tamper(db, `UPDATE audit_log SET details = '{"from":"registered","i":7,"to":"closed"}' WHERE seq = 7`);
    const r = gridloop('audit', 'verify', '--data', dir);
    assert.equal(r.code, 1);
    assert.match(r.err, /seq 7\b/);
  });

  test('the last row deleted: exit 1, detected through the head', async () => {
    const { dir, db } = await dataDirWith('truncated', 10);
    tamper(db, 'DELETE FROM audit_log WHERE seq = 10');
    const r = gridloop('audit', 'verify', '--data', dir);
    assert.equal(r.code, 1);
    assert.match(r.err, /seq 10\b.*truncated/);
  });

  test('a middle row deleted: exit 1 naming the missing seq', async () => {
    const { dir, db } = await dataDirWith('gap', 10);
    tamper(db, 'DELETE FROM audit_log WHERE seq = 4');
    const r = gridloop('audit', 'verify', '--data', dir);
    assert.equal(r.code, 1);
    assert.match(r.err, /seq 4\b/);
  });

  test('a missing database is an error, not an empty log that verifies', () => {
    const r = gridloop('audit', 'verify', '--data', join(root, 'nowhere'));
    assert.equal(r.code, 1);
    assert.match(r.err, /no database/);
  });

  test('export writes every entry as NDJSON, then audits the export itself', async () => {
    const { dir } = await dataDirWith('export', 6);
    const out = join(root, 'export.ndjson');
    const r = gridloop('audit', 'export', '--data', dir, '--out', out);
    assert.equal(r.code, 0, r.err);
    const lines = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((e) => e.seq),
      [1, 2, 3, 4, 5, 6],
    );
    assert.deepEqual(lines[2].details, { from: 'registered', i: 3, to: 'dispatched' });
    assert.equal(lines[5].hash.length, 64);
    const stdout = gridloop('audit', 'export', '--data', dir);
    assert.equal(stdout.code, 0, stdout.err);
    const again = stdout.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(again.length, 7);
    assert.equal(again[6].action, 'export');
    assert.deepEqual(again[6].details, { count: 6, to: out });
    const v = gridloop('audit', 'verify', '--data', dir);
    assert.equal(v.code, 0, v.err);
    assert.match(v.out, /ok: 8 entries/);
  });
});
