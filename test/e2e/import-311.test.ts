import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { buildProgram } from '../../src/cli/program.ts';
import { csvRecords } from '../../src/ingest/csv.ts';
import { createRuntime } from '../../src/runtime.ts';
import { LA_311_2018, LA_311_2020, LA_DISTRICTS, SHARED_DATA } from '../helpers/la-data.ts';

/**
 * Issue 5 §4 on the real MyLA311 exports, with the mappings shipped in mappings/: every CSV record ends up stored,
 * quarantined or a duplicate; rows without coordinates are quarantined; a second import stores nothing new.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DATA = SHARED_DATA;
const DISTRICTS = LA_DISTRICTS;
const FILES = [
  { csv: LA_311_2020, mapping: 'la-311-2020.yaml', noCoords: 11, closedEarly: 0 },
  {
    csv: LA_311_2018,
    mapping: 'la-311-2018-mini.yaml',
    noCoords: 5,
    closedEarly: 23,
  },
];
const present = [DISTRICTS, ...FILES.map((f) => f.csv)].every((f) => existsSync(f));
const CODES = [
  'bulky-items',
  'appliances',
  'e-waste',
  'illegal-dumping',
  'graffiti',
  'encampment',
  'dead-animal',
  'streetlight',
  'water-waste',
];

describe('gridloop import: the real LA 311 files with the shipped mappings', () => {
  if (!present) {
    test('LA 311 data', (t) => {
      assert.notEqual(process.env.CI, 'true', `${DATA} is missing on CI`);
      t.skip(`../shared/data (LA boundaries and 311) missing at ${DATA}`);
    });
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'gridloop-311-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  const cityDir = join(tmp, 'la');
  const dataDir = join(tmp, 'data');

  async function cli(...args: string[]): Promise<string[]> {
    const out: string[] = [];
    const log = console.log;
    const err = console.error;
    console.log = (...a: unknown[]) => void out.push(a.map(String).join(' '));
    console.error = () => {};
    try {
      await buildProgram().exitOverride().parseAsync(args, { from: 'user' });
    } finally {
      console.log = log;
      console.error = err;
      process.exitCode = 0;
    }
    return out;
  }
  const importCsv = async (f: (typeof FILES)[number]) =>
    JSON.parse(
      (
        await cli('import', f.csv, '--mapping', join(ROOT, 'mappings', f.mapping), '--city', cityDir, '--data', dataDir)
      )[0] as string,
    );

  before(async () => {
    // The 15 council districts do not overlap, so they make a grid on their own (the councils do not, yet).
    await cli(
      ...['city', 'init', cityDir, '--id', 'los-angeles', '--name', 'Los Angeles', '--timezone', 'America/Los_Angeles'],
      ...['--resolution', '8', '--areas', DISTRICTS, '--level', 'district', '--name-prop', 'name'],
    );
    const path = join(cityDir, 'city.yaml');
    const doc = parse(readFileSync(path, 'utf8'));
    const deadlines = doc.categories[0].deadlines;
    for (const code of CODES) doc.categories.push({ code, name: code, priority: 'normal', deadlines });
    writeFileSync(path, stringify(doc));
  });

  for (const f of FILES) {
    test(`${f.mapping}: stored + quarantined + duplicate = the ${f.csv.split('/').pop()} records; again: nothing new`, async (t) => {
      const records = csvRecords(readFileSync(f.csv, 'utf8')).length;
      assert.equal(records, 10_000);
      const t0 = performance.now();
      const s = await importCsv(f);
      t.diagnostic(
        `first import: ${JSON.stringify({ ...s, file: undefined })} in ${Math.round(performance.now() - t0)} ms`,
      );
      assert.equal(s.received, records);
      assert.equal(s.stored + s.quarantined + s.duplicate, records);
      assert.equal(s.duplicate, 0);
      // The first five refused records by their row number (0-based after the header), in file order.
      const first = s.firstErrors as { index: number; code: string }[];
      assert.equal(first.length, 5);
      assert.deepEqual(
        first.map((e) => e.index),
        [...first.map((e) => e.index)].sort((a, b) => a - b),
      );
      assert.ok(first.every((e) => Number.isInteger(e.index) && e.index >= 0 && e.index < records));
      const missing = s.reasons.find((r: { code: string }) => r.code === 'INGEST_MISSING_FIELD');
      assert.equal(missing?.count, f.noCoords);
      // The rest of the quarantine is points outside the 15 districts (the county islands, the port, typos).
      assert.deepEqual(s.reasons.map((r: { code: string }) => r.code).sort(), [
        'INGEST_MISSING_FIELD',
        'INGEST_OUTSIDE_CITY',
      ]);
      const counts = s.reasons.map((r: { count: number }) => r.count);
      assert.deepEqual(
        counts,
        [...counts].sort((a, b) => b - a),
      );
      assert.ok(s.stored > 9_500, `${s.stored} stored`);
      const closed = s.warnings.find((w: { code: string }) => w.code === 'CLOSED_BEFORE_CREATED');
      assert.equal(closed?.count ?? 0, f.closedEarly);

      const again = await importCsv(f);
      // Stored reports come back as duplicates (same SR number, same source); the refused rows are refused again.
      assert.deepEqual(
        [again.received, again.stored, again.duplicate, again.quarantined],
        [records, 0, s.stored, s.quarantined],
      );
    });
  }

  test('the quarantined rows without coordinates, and a stored report read back in UTC', async () => {
    const listed = (
      await cli(
        'quarantine',
        'list',
        '--code',
        'INGEST_MISSING_FIELD',
        '--limit',
        '100',
        '--json',
        '--city',
        cityDir,
        '--data',
        dataDir,
      )
    ).map((l) => JSON.parse(l));
    // Two imports of each file: 2 × (11 + 5).
    assert.equal(listed.length, 2 * (11 + 5));
    for (const e of listed) {
      const raw = JSON.parse(e.raw);
      assert.equal(e.source, 'myla311');
      assert.ok(raw.lat === undefined || raw.long === undefined);
      assert.match(raw.id, /^1-\d+$/);
    }
    const rt = await createRuntime({ cityDir, dataDir, jobIntervalMs: 0 });
    try {
      const id = await rt.stores.reports.findReportId('myla311', '1-1262691971');
      const r = id && (await rt.stores.reports.getReport(id));
      assert.ok(r, 'SR 1-1262691971 (2018 file, first row) is stored');
      // 12/31/2018 11:55:30 PM in Los Angeles (PST, UTC-8).
      assert.equal(new Date(r.requestedAt).toISOString(), '2019-01-01T07:55:30.000Z');
      assert.equal(r.serviceCode, 'graffiti');
      assert.equal(r.address, '9757 N RESEDA BLVD, 91324');
      assert.match(r.description ?? '', /^RequestType: Graffiti Removal; RequestSource: Self Service; Status: Closed/);
      const id20 = await rt.stores.reports.findReportId('myla311', '1-1523590121');
      const r20 = id20 && (await rt.stores.reports.getReport(id20));
      assert.ok(r20);
      assert.equal(new Date(r20.requestedAt).toISOString(), '2020-01-01T08:05:00.000Z');
      assert.equal(r20.serviceCode, 'illegal-dumping');
    } finally {
      await rt.close();
    }
  });
});
