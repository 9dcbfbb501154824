import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

/**
 * Issue 5, "Nothing is lost": the real CLI is SIGKILLed half-way through a 300k-line import, started again, and ends
 * with exactly the counts and the stored readings of an uninterrupted run into a fresh data folder.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'gridloop-resume-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const cityDir = join(tmp, 'city');
cpSync(join(ROOT, 'cities', 'demo'), cityDir, { recursive: true });

const LINES = 300_000;
const T0 = Date.UTC(2024, 0, 1);
const file = join(tmp, 'readings.ndjson');
{
  const out: string[] = [];
  let last = '';
  for (let i = 0; out.length < LINES; i++) {
    if (i % 1000 === 500)
      out.push(`{"sensor":"aq-001","value":${i}`); // not JSON
    else if (i % 1000 === 700)
      out.push(
        JSON.stringify({ sensor: 'aq-002', metric: 'pm25', value: 5000, ts: new Date(T0 + i * 1000).toISOString() }),
      );
    else if (i % 997 === 0 && last !== '')
      out.push(last); // a duplicate of the line before
    else {
      last = JSON.stringify({
        sensor: `aq-00${1 + (i % 9)}`,
        metric: 'pm25',
        value: i % 900,
        ts: new Date(T0 + i * 1000).toISOString(),
      });
      out.push(last);
    }
  }
  writeFileSync(file, `${out.join('\n')}\n`);
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function start(dataDir: string): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/main.ts', 'import', file, '--city', cityDir, '--data', dataDir, '--batch', '5000'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

/** The record number in the checkpoint file, if there is one. */
function checkpointRecord(dataDir: string): number | undefined {
  const dir = join(dataDir, 'import-checkpoints');
  if (!existsSync(dir)) return undefined;
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.json')) continue;
    try {
      return JSON.parse(readFileSync(join(dir, f), 'utf8')).record;
    } catch {
      // Renamed over while being read: look again.
    }
  }
  return undefined;
}

function storedReadings(dataDir: string): { rows: string; quarantine: number } {
  const db = new Database(join(dataDir, 'gridloop.db'), { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT s.id AS sensor, m.name AS metric, r.ts, r.value FROM readings r
         JOIN sensors s ON s.key = r.sensor JOIN metrics m ON m.key = r.metric ORDER BY s.id, m.name, r.ts`,
      )
      .all()
      .map((r) => JSON.stringify(r))
      .join('\n');
    const quarantine = (db.prepare('SELECT count(*) AS n FROM quarantine').get() as { n: number }).n;
    return { rows, quarantine };
  } finally {
    db.close();
  }
}

const counts = (s: Record<string, unknown>) => ({
  received: s.received,
  stored: s.stored,
  quarantined: s.quarantined,
  duplicate: s.duplicate,
  reasons: s.reasons,
});

describe('gridloop import: SIGKILL half-way, resume, same result', () => {
  test('a killed and resumed import ends with the counts and readings of an uninterrupted one', async (t) => {
    const fresh = join(tmp, 'fresh');
    const killed = join(tmp, 'killed');
    // The uninterrupted run goes on beside the one that is killed and resumed.
    const t0 = performance.now();
    const uninterrupted = start(fresh).done.then((r) => {
      t.diagnostic(`uninterrupted run: ${Math.round(performance.now() - t0)} ms: ${r.stdout.trim()}`);
      return r;
    });
    const first = start(killed);
    let at: number | undefined;
    while (first.child.exitCode === null) {
      const r = checkpointRecord(killed);
      if (r !== undefined && r >= LINES / 4) {
        at = r;
        first.child.kill('SIGKILL');
        break;
      }
      await new Promise((res) => setTimeout(res, 5));
    }
    const k = await first.done;
    assert.equal(k.signal, 'SIGKILL', `the import ended before it could be killed: ${k.stdout}`);
    assert.ok(at !== undefined && at < LINES, `killed at record ${at}`);
    const left = checkpointRecord(killed);
    t.diagnostic(`killed after ${Math.round(performance.now() - t0)} ms; checkpoint at record ${left}`);
    assert.ok(left !== undefined && left >= at && left < LINES);

    const second = await start(killed).done;
    const whole = await uninterrupted;
    assert.equal(whole.code, 2, whole.stderr); // 2: some records were quarantined
    const expected = JSON.parse(whole.stdout);
    assert.equal(expected.received, LINES);
    assert.ok(expected.duplicate > 250 && expected.quarantined === 600, JSON.stringify(expected));
    assert.equal(expected.stored + expected.quarantined + expected.duplicate, LINES);

    assert.match(second.stderr, /resuming .* at record \d+/);
    assert.equal(second.code, 2, second.stderr);
    const resumed = JSON.parse(second.stdout);
    assert.equal(resumed.resumedAt, left);
    assert.deepEqual(counts(resumed), counts(expected));
    assert.equal(checkpointRecord(killed), undefined, 'the checkpoint is gone once the import completes');

    const a = storedReadings(fresh);
    const b = storedReadings(killed);
    assert.equal(b.quarantine, a.quarantine);
    assert.equal(b.rows.length, a.rows.length);
    assert.ok(b.rows === a.rows, 'the stored readings are identical');
  });
});
