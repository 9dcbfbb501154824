import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { GridloopEvents } from '../events.ts';
import { tinyIngestCity } from '../ingest/fixtures.ts';
import { EventBus } from '../shared/bus.ts';
import { CheckpointFile } from './import-checkpoint.ts';
import { type FileImportOptions, importFile } from './import-file.ts';
import { readNdjsonLines } from './import-ndjson.ts';
import { openSqliteStore } from './sqlite/index.ts';

const NOW = Date.UTC(2024, 5, 1, 12);
const dir = mkdtempSync(join(tmpdir(), 'gridloop-import-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function setup() {
  const { city, grid, sensors } = tinyIngestCity();
  const stores = openSqliteStore(':memory:');
  const bus = new EventBus<GridloopEvents>();
  const batches: number[] = [];
  bus.on('ReadingsStored', (e) => void batches.push(e.readings.length));
  const deps = { city, grid, sensors, stores, bus, clock: () => NOW };
  return { deps, stores, batches };
}

/** About 3 MB of lines, so that chunk boundaries fall inside lines and inside multi-byte characters. */
function bigFile(name: string): { path: string; lines: string[] } {
  const lines: string[] = [];
  for (let i = 0; i < 40_000; i++) {
    if (i % 1000 === 999) lines.push(`{"sensor":"aq-1","note":"ünïcödé ✓ 😀 ${'é'.repeat(i % 37)}"`);
    else if (i % 5000 === 3) lines.push('');
    else
      lines.push(
        JSON.stringify({
          sensor: i % 2 ? 'aq-1' : 'aq-2',
          metric: 'pm25',
          value: i % 500,
          ts: new Date(NOW - i * 1000).toISOString(),
        }),
      );
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join(name.includes('crlf') ? '\r\n' : '\n')}`);
  return { path, lines };
}

// Every NDJSON readings test runs twice: parsed on the import's thread, and parsed ahead in the worker thread.
for (const parseAhead of ['never', 'always'] as const)
  describe(`importFile: NDJSON readings (parse ahead: ${parseAhead})`, () => {
    const readings = (path: string, deps: ReturnType<typeof setup>['deps'], more: Partial<FileImportOptions> = {}) =>
      importFile(path, deps, {
        format: 'ndjson',
        kind: 'readings',
        source: `import:${basename(path)}`,
        parseAhead,
        ...more,
      });

    for (const name of ['lf.ndjson', 'crlf.ndjson']) {
      test(`streams a file in batches and sums the summaries (${name})`, async () => {
        const { deps, stores, batches } = setup();
        const { path, lines } = bigFile(`${parseAhead}-${name}`);
        const progress: [number, number][] = [];
        const s = await readings(path, deps, {
          batchSize: 7000,
          onProgress: (done, all) => progress.push([done, all]),
        });
        const bad = lines.filter((l) => l.includes('note'));
        const blank = lines.filter((l) => l === '').length;
        assert.equal(s.received, lines.length - blank);
        assert.equal(s.quarantined, bad.length);
        assert.equal(s.stored, lines.length - blank - bad.length);
        assert.equal(s.stored + s.quarantined + s.duplicate, s.received);
        assert.deepEqual(s.reasons, [{ code: 'INGEST_MALFORMED_JSON', count: bad.length }]);
        // An error's index is the line's 0-based number in the file, blank lines counted.
        assert.deepEqual(
          s.errors.map((e) => [e.index, e.code]),
          bad.map((_, k) => [1000 * k + 999, 'INGEST_MALFORMED_JSON']),
        );
        assert.ok(batches.length > 0 && batches.every((n) => n <= 7000));
        // One call per batch of 7,000 lines, then one at the end; bytes done only grow, up to the file's size.
        const size = statSync(path).size;
        assert.equal(progress.length, Math.ceil(lines.length / 7000) + 1);
        assert.ok(progress.every(([done, all], k) => all === size && done >= (progress[k - 1]?.[0] ?? 0)));
        assert.deepEqual(progress.at(-2), [size, size]);
        const q = await stores.quarantine.listQuarantine({ limit: 100, offset: 0 });
        assert.deepEqual(
          q.map((e) => e.raw),
          bad,
        );
        assert.equal(q[0]?.source, `import:${parseAhead}-${name}`);
        assert.equal(await stores.readings.countReadings(), s.stored);

        const again = await readings(path, deps, { source: 'again' });
        assert.equal(again.duplicate, s.stored);
        assert.equal(again.stored, 0);
        assert.equal(again.stored + again.quarantined + again.duplicate, again.received);
        assert.equal(await stores.readings.countReadings(), s.stored);
      });
    }

    const reading = (value: number) =>
      JSON.stringify({ sensor: 'aq-1', metric: 'pm25', value, ts: new Date(NOW - value * 1000).toISOString() });

    test('quarantines an over-long line cut short and goes on with the next line', async () => {
      const { deps, stores } = setup();
      const path = join(dir, `${parseAhead}-long.ndjson`);
      // 3 MB over three 1 MB chunks: the line never arrives whole.
      writeFileSync(path, `${reading(1)}\n{"sensor":"${'x'.repeat(3 * 1024 * 1024)}"}\n${reading(2)}`);
      const s = await readings(path, deps, { maxLineBytes: 1024 * 1024 });
      assert.deepEqual(
        { ...s, errors: s.errors.map((e) => [e.index, e.code]) },
        {
          received: 3,
          stored: 2,
          quarantined: 1,
          duplicate: 0,
          reasons: [{ code: 'INGEST_MALFORMED_JSON', count: 1 }],
          warnings: [],
          errors: [[1, 'INGEST_MALFORMED_JSON']],
        },
      );
      const [q] = await stores.quarantine.listQuarantine({ limit: 1, offset: 0 });
      assert.ok(q && q.raw.length < 2000 && q.raw.startsWith('{"sensor":"xxx'));
    });

    test('the line limit is exact: a valid reading one byte over it is quarantined, wherever it falls', async () => {
      const { deps, stores } = setup();
      const path = join(dir, `${parseAhead}-limit.ndjson`);
      const lines = [reading(1), reading(2), reading(3), reading(4)];
      const limit = (lines[0] as string).length;
      lines[1] = (lines[1] as string).replace('{', '{ '); // one byte over, inside a chunk
      lines[3] = (lines[3] as string).replace('{', '{ '); // one byte over, the last line, no newline
      writeFileSync(path, lines.join('\r\n'));
      const s = await readings(path, deps, { maxLineBytes: limit });
      assert.deepEqual([s.received, s.stored, s.quarantined, s.errors.map((e) => e.index)], [4, 2, 2, [1, 3]]);
      const q = await stores.quarantine.listQuarantine({ limit: 10, offset: 0 });
      assert.ok(q.every((e) => e.code === 'INGEST_MALFORMED_JSON' && e.raw.includes('[cut:')));
    });

    test('blank lines, a byte order mark and a last line without a newline', async () => {
      const { deps } = setup();
      const path = join(dir, `${parseAhead}-blank.ndjson`);
      writeFileSync(path, `\ufeff${reading(1)}\n\n  \r\n{"bad"\n${reading(2)}\r\n\n${reading(3)}`);
      const s = await readings(path, deps);
      assert.deepEqual(
        [s.received, s.stored, s.quarantined, s.duplicate, s.errors.map((e) => [e.index, e.code])],
        [4, 3, 1, 0, [[3, 'INGEST_MALFORMED_JSON']]],
      );
    });

    test('a reading from the future is quarantined with its line, the rest of its batch stored, in any batch', async () => {
      const { deps, stores } = setup();
      const path = join(dir, `${parseAhead}-future.ndjson`);
      const lines = Array.from({ length: 10 }, (_, i) => reading(i));
      lines[5] = JSON.stringify({
        sensor: 'aq-1',
        metric: 'pm25',
        value: 5,
        ts: new Date(NOW + 86_400_000).toISOString(),
      });
      writeFileSync(path, lines.join('\n'));
      const s = await readings(path, deps, { batchSize: 4 });
      assert.deepEqual(
        [s.received, s.stored, s.quarantined, s.errors.map((e) => [e.index, e.code])],
        [10, 9, 1, [[5, 'INGEST_TS_FUTURE']]],
      );
      const q = await stores.quarantine.listQuarantine({ limit: 10, offset: 0 });
      assert.deepEqual(
        q.map((e) => e.raw),
        [lines[5]],
      );
      assert.deepEqual(
        (await stores.readings.readingsOf('aq-1', 'pm25', 0, NOW * 2)).map((r) => r.value).sort((a, b) => a - b),
        [0, 1, 2, 3, 4, 6, 7, 8, 9],
      );
    });

    test('an empty file imports nothing', async () => {
      const { deps } = setup();
      const path = join(dir, `${parseAhead}-empty.ndjson`);
      writeFileSync(path, '');
      assert.deepEqual(await readings(path, deps), {
        received: 0,
        stored: 0,
        quarantined: 0,
        duplicate: 0,
        reasons: [],
        warnings: [],
        errors: [],
      });
    });
  });

describe('importFile', () => {
  const centre = { lat: 50, lon: 10 };

  test('CSV reports through a mapping: quoted line breaks, "(lat, lon)" text, local times, warnings', async () => {
    const { deps, stores } = setup();
    const path = join(dir, 'reports.csv');
    writeFileSync(
      path,
      [
        'SR,Type,Created,Closed,Lat,Lon,Location,Notes',
        `A1,Pothole,06/01/2024 01:00:00 AM,06/01/2024 02:00:00 AM,${centre.lat},${centre.lon},,"deep\r\nand ""wide"", here"`,
        `A2,Pothole,05/31/2024 11:30:00 PM,05/30/2024 10:00:00 AM,,,"(${centre.lat}, ${centre.lon})",`,
        'A3,Pothole,05/31/2024 11:30:00 PM,,,,,no place',
        `A4,Unheard Of,05/31/2024 11:30:00 PM,,${centre.lat},${centre.lon},,`,
        '',
      ].join('\r\n'),
    );
    const mapping = {
      kind: 'reports' as const,
      columns: {
        id: 'SR',
        service_code: 'Type',
        requested_datetime: 'Created',
        closed_datetime: 'Closed',
        lat: 'Lat',
        long: 'Lon',
        location: 'Location',
        description: 'Notes',
      },
      services: { Pothole: 'pothole' },
      timestampFormat: 'MM/DD/YYYY hh:mm:ss A',
      timezone: 'Europe/Berlin',
    };
    const s = await importFile(path, deps, { format: 'csv', kind: 'reports', mapping, source: 'city-export' });
    assert.deepEqual(
      { ...s, errors: s.errors.map((e) => [e.index, e.code]) },
      {
        received: 4,
        stored: 2,
        quarantined: 2,
        duplicate: 0,
        reasons: [
          { code: 'INGEST_MISSING_FIELD', count: 1 },
          { code: 'INGEST_UNKNOWN_SERVICE', count: 1 },
        ],
        warnings: [{ code: 'CLOSED_BEFORE_CREATED', count: 1 }],
        // Record numbers after the header, whatever the quoted line breaks.
        errors: [
          [2, 'INGEST_MISSING_FIELD'],
          [3, 'INGEST_UNKNOWN_SERVICE'],
        ],
      },
    );
    const get = async (sr: string) => stores.reports.getReport((await stores.reports.findReportId('city-export', sr))!);
    const a1 = await get('A1');
    const a2 = await get('A2');
    assert.equal(a1?.description, 'deep\r\nand "wide", here');
    assert.equal(a1?.requestedAt, Date.UTC(2024, 4, 31, 23)); // 01:00 CEST
    assert.equal(a2?.externalId, 'A2');
    assert.deepEqual([a2?.lat, a2?.lon], [centre.lat, centre.lon]);
    const again = await importFile(path, deps, { format: 'csv', kind: 'reports', mapping, source: 'city-export' });
    assert.deepEqual([again.stored, again.duplicate, again.quarantined], [0, 2, 2]);
  });

  test('GeoJSON points: coordinates from the geometry, properties as columns', async () => {
    const { deps, stores } = setup();
    const path = join(dir, 'points.geojson');
    const feature = (id: string, coords: number[] | undefined) => ({
      type: 'Feature',
      geometry: coords ? { type: 'Point', coordinates: coords } : null,
      properties: { ref: id, kind: 'pothole', when: '2024-06-01 10:00:00' },
    });
    writeFileSync(
      path,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          feature('g1', [centre.lon, centre.lat]),
          feature('g2', undefined),
          feature('g3', [centre.lon, centre.lat]),
        ],
      }),
    );
    const s = await importFile(path, deps, {
      format: 'geojson',
      kind: 'reports',
      source: 'gj',
      mapping: {
        kind: 'reports',
        columns: { id: 'ref', service_code: 'kind', requested_datetime: 'when' },
        timezone: 'UTC',
      },
    });
    assert.deepEqual([s.received, s.stored, s.quarantined], [3, 2, 1]);
    assert.deepEqual(s.reasons, [{ code: 'INGEST_MISSING_FIELD', count: 1 }]);
    const [r] = await stores.reports.listReports({ limit: 1 });
    assert.equal(r?.requestedAt, Date.UTC(2024, 5, 1, 10));
  });

  for (const parseAhead of ['never', 'always'] as const)
    test(`NDJSON readings with a checkpoint: a run stopped after a batch resumes after it, with the same totals (parse ahead: ${parseAhead})`, async () => {
      const path = join(dir, `${parseAhead}-cp.ndjson`);
      const lines = Array.from({ length: 2500 }, (_, i) =>
        i % 100 === 7
          ? '{"bad"'
          : JSON.stringify({
              sensor: 'aq-1',
              metric: 'pm25',
              value: i % 300,
              ts: new Date(NOW - (i % 2400) * 1000).toISOString(),
            }),
      );
      writeFileSync(path, `\ufeff${lines.join('\r\n')}`);
      const run = (deps: ReturnType<typeof setup>['deps'], more: Partial<FileImportOptions>) =>
        importFile(path, deps, {
          format: 'ndjson',
          kind: 'readings',
          source: 's',
          batchSize: 300,
          parseAhead,
          ...more,
        });
      // The unbroken run parses on the import's thread: the stopped and resumed one must match it either way.
      const whole = await run(setup().deps, { parseAhead: 'never' });

      const { deps, stores } = setup();
      const cpDir = join(dir, `${parseAhead}-data-cp`);
      const checkpoint = new CheckpointFile(cpDir, path);
      let calls = 0;
      // Stop the first run the hard way: an exception after the third committed batch.
      await assert.rejects(
        run(deps, {
          checkpoint,
          onProgress: () => {
            if (++calls === 3) throw new Error('stop');
          },
        }),
        /stop/,
      );
      const cp = checkpoint.read();
      assert.equal(cp?.record, 900);
      let resumedFrom: number | undefined;
      const rest = await run(deps, {
        checkpoint,
        onResume: (c) => {
          resumedFrom = c.record;
        },
      });
      assert.equal(resumedFrom, 900);
      assert.deepEqual(
        whole.errors.map((e) => e.index),
        lines.flatMap((l, i) => (l === '{"bad"' ? [i] : [])),
      );
      // The resumed run lists only its own refusals; its counts are those of the unbroken run.
      assert.deepEqual(
        rest.errors.map((e) => e.index),
        whole.errors.map((e) => e.index).filter((i) => i >= 900),
      );
      assert.deepEqual({ ...rest, resumedAt: undefined, errors: [] }, { ...whole, resumedAt: undefined, errors: [] });
      assert.equal(checkpoint.read(), undefined);
      assert.equal(await stores.readings.countReadings(), whole.stored);
      assert.equal(await stores.quarantine.countQuarantine(), whole.quarantined);
    });

  test('a batch that fails to store stops the import: the batch before it is stored and checkpointed, nothing after', async () => {
    const path = join(dir, 'fail.ndjson');
    const lines = Array.from({ length: 1000 }, (_, i) =>
      JSON.stringify({ sensor: 'aq-1', metric: 'pm25', value: i, ts: new Date(NOW - i * 1000).toISOString() }),
    );
    writeFileSync(path, lines.join('\n'));
    const { deps, stores } = setup();
    const write = stores.readings.writeReadings.bind(stores.readings);
    let writes = 0;
    stores.readings.writeReadings = async (readings, quarantine) => {
      if (++writes === 2) throw new Error('disk full');
      return write(readings, quarantine);
    };
    const checkpoint = new CheckpointFile(join(dir, 'data-fail'), path);
    await assert.rejects(
      importFile(path, deps, { format: 'ndjson', kind: 'readings', source: 's', batchSize: 300, checkpoint }),
      /disk full/,
    );
    // The first batch is stored and checkpointed; nothing after it was stored, and no third batch was tried.
    assert.equal(writes, 2);
    assert.equal(checkpoint.read()?.record, 300);
    assert.equal(checkpoint.read()?.stored, 300);
    assert.equal(await stores.readings.countReadings(), 300);
  });

  test('readNdjsonLines: byte offsets past each line, from any line start', async () => {
    const path = join(dir, 'offsets.ndjson');
    const text = '\ufeffa\r\nünï\n\nlast';
    writeFileSync(path, text);
    const read = async (start: number) => {
      const out: [string, number][] = [];
      for await (const c of readNdjsonLines(path, start)) {
        for (let i = 0; i < c.items.length; i++) out.push([c.items[i] as string, c.ends[i] as number]);
      }
      return out;
    };
    const all = await read(0);
    assert.deepEqual(all, [
      ['a', 6],
      ['ünï', 12],
      ['', 13],
      ['last', 17],
    ]);
    assert.deepEqual(await read(6), all.slice(1));
  });
});
