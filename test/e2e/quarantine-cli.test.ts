import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildProgram } from '../../src/cli/program.ts';

/**
 * Issue 5 §5: quarantined records can be listed, shown and replayed once the city definition is fixed. Readings of a
 * sensor the city does not know are quarantined; the sensor is added to the city; replay stores them.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'gridloop-quarantine-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const cityDir = join(tmp, 'city');
const dataDir = join(tmp, 'data');
cpSync(join(ROOT, 'cities', 'demo'), cityDir, { recursive: true });

/** Runs `gridloop ARGS --city … --data …` in process; returns what it printed on stdout, line by line. */
async function cli(...args: string[]): Promise<string[]> {
  const out: string[] = [];
  const log = console.log;
  const err = console.error;
  console.log = (...a: unknown[]) => void out.push(a.map(String).join(' '));
  console.error = () => {};
  try {
    await buildProgram()
      .exitOverride()
      .parseAsync([...args, '--city', cityDir, '--data', dataDir], { from: 'user' });
  } finally {
    console.log = log;
    console.error = err;
    process.exitCode = 0;
  }
  return out;
}

const T0 = Date.UTC(2024, 0, 10, 8);
const line = (sensor: string, i: number) =>
  JSON.stringify({ sensor, metric: 'pm25', value: 10 + (i % 50), ts: new Date(T0 + i * 60_000).toISOString() });

describe('gridloop quarantine list|show|replay', () => {
  test('unknown-sensor readings are quarantined, then stored by a replay after the sensor is added', async () => {
    const file = join(tmp, 'readings.ndjson');
    const lines = [
      ...Array.from({ length: 50 }, (_, i) => line('aq-001', i)),
      ...Array.from({ length: 30 }, (_, i) => line('aq-new', i)),
      '{"sensor":"aq-001",',
    ];
    writeFileSync(file, `${lines.join('\n')}\n`);

    const [imported] = await cli('import', file);
    const s = JSON.parse(imported as string);
    assert.deepEqual([s.received, s.stored, s.quarantined, s.duplicate], [81, 50, 31, 0]);
    assert.deepEqual(s.reasons, [
      { code: 'INGEST_UNKNOWN_SENSOR', count: 30 },
      { code: 'INGEST_MALFORMED_JSON', count: 1 },
    ]);

    const listed = (await cli('quarantine', 'list', '--code', 'INGEST_UNKNOWN_SENSOR', '--limit', '100', '--json')).map(
      (l) => JSON.parse(l),
    );
    assert.equal(listed.length, 30);
    assert.ok(listed.every((e) => e.code === 'INGEST_UNKNOWN_SENSOR' && e.source === 'import:readings.ndjson'));
    assert.equal((await cli('quarantine', 'list', '--limit', '5', '--json')).length, 5);

    const shown = JSON.parse((await cli('quarantine', 'show', String(listed[0].id))).join('\n'));
    assert.deepEqual(
      { code: shown.code, path: shown.path, raw: shown.raw },
      { code: 'INGEST_UNKNOWN_SENSOR', path: '/sensor', raw: line('aq-new', 0) },
    );
    assert.match(shown.receivedAt, /^\d{4}-\d\d-\d\dT/);
    await assert.rejects(cli('quarantine', 'show', '999999'), { code: 'NOT_FOUND' });

    // Before the fix, a replay changes nothing but the entries' ids: they are refused again for the same reason.
    const early = JSON.parse((await cli('quarantine', 'replay', '--code', 'INGEST_UNKNOWN_SENSOR'))[0] as string);
    assert.deepEqual([early.replayed, early.stored, early.quarantined, early.unchanged], [30, 0, 30, 0]);
    assert.equal((await cli('quarantine', 'list', '--limit', '100', '--json')).length, 31);

    // Fix the city: add the sensor next to aq-001.
    const yamlPath = join(cityDir, 'city.yaml');
    const text = readFileSync(yamlPath, 'utf8');
    const aq1 = /^( *- \{ id: aq-001, kind: airQuality, lon: [\d.]+, lat: [\d.]+ \})$/m.exec(text);
    assert.ok(aq1, 'the demo city lists aq-001 on one line');
    writeFileSync(
      yamlPath,
      text.replace(aq1[1] as string, `${aq1[1]}\n${(aq1[1] as string).replace('aq-001', 'aq-new')}`),
    );

    const replay = JSON.parse((await cli('quarantine', 'replay'))[0] as string);
    assert.deepEqual(
      [replay.replayed, replay.stored, replay.duplicate, replay.quarantined, replay.unchanged],
      [31, 30, 0, 0, 1],
    );
    const left = (await cli('quarantine', 'list', '--json')).map((l) => JSON.parse(l));
    assert.deepEqual(
      left.map((e) => [e.code, e.raw]),
      [['INGEST_MALFORMED_JSON', '{"sensor":"aq-001",']],
    );
    // Every record is accounted for: 50 + 30 stored, 1 still quarantined; a second import finds only duplicates.
    const again = JSON.parse((await cli('import', file))[0] as string);
    assert.deepEqual([again.received, again.stored, again.duplicate, again.quarantined], [81, 0, 80, 1]);
  });
});
