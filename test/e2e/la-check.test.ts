import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { loadCity } from '../../src/adapters/city-files.ts';
import { geometryAreaM2 } from '../../src/grid/area-m2.ts';
import { LA_COUNCILS, LA_DISTRICTS, SHARED_DATA } from '../helpers/la-data.ts';

/**
 * Issue 3 §2, "Check a definition", through the real CLI: the LA neighbourhood councils overlap and leave gaps, and
 * `gridloop check` finds both with plausible areas in m² and writes them as GeoJSON; the generated demo city is clean.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'gridloop.js');
const DATA = SHARED_DATA;
const DISTRICTS = LA_DISTRICTS;
const COUNCILS = LA_COUNCILS;
const present = [DISTRICTS, COUNCILS].every((f) => existsSync(f));
const run = promisify(execFile);

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: ROOT, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

interface Feature {
  type: string;
  geometry: { type: string; coordinates: unknown } | null;
  properties: { kind: string; areas: string[]; m2: number };
}

describe('gridloop check', () => {
  test('the generated demo city checks clean, exit 0', async () => {
    const r = await cli('check', join(ROOT, 'cities', 'demo'), '--json', '--samples', '20000');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { usable: boolean; problems: unknown[] };
    assert.equal(out.usable, true);
    assert.deepEqual(out.problems, []);
  });

  test('a missing definition exits 1 with the reason', async () => {
    const r = await cli('check', join(tmpdir(), 'gridloop-no-such-city'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /CITY_NOT_FOUND/);
  });

  if (!present) {
    test('LA boundaries', (t) => {
      assert.notEqual(process.env.CI, 'true', `${DATA} is missing on CI`);
      t.skip(`../shared/data (LA boundaries) missing at ${DATA}`);
    });
    return;
  }

  const tmp = mkdtempSync(join(tmpdir(), 'gridloop-la-check-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('LA: overlaps and gaps between neighbourhood councils, with areas in m², as GeoJSON', async (t) => {
    const dir = join(tmp, 'la');
    const init = await cli(
      ...['city', 'init', dir, '--id', 'los-angeles', '--name', 'Los Angeles'],
      ...['--areas', DISTRICTS, '--level', 'district', '--name-prop', 'name'],
      ...['--areas', COUNCILS, '--level', 'council', '--name-prop', 'name', '--id-prop', 'nc_id'],
    );
    assert.equal(init.code, 0, init.stderr);
    const report = join(tmp, 'report.geojson');
    const r = await cli('check', dir, '--report', report, '--json', '--samples', '20000');
    const out = JSON.parse(r.stdout) as { usable: boolean; reason: string; counts: Record<string, { n: number }> };
    t.diagnostic(`check: exit ${r.code}; ${out.reason}`);
    // No grid policy is set, and the grid's default for overlaps and gaps is 'reject': unusable, and it says why.
    assert.equal(r.code, 1);
    assert.equal(out.usable, false);
    assert.match(out.reason, /^unusable: .*(overlap|gap)/);

    const city = await loadCity(dir);
    const councils = [...city.areas.values()].filter((a) => a.level === 'council');
    const councilIds = new Set<string>(councils.map((a) => a.id));
    const total = councils.reduce((s, a) => s + (a.geometry ? geometryAreaM2(a.geometry) : 0), 0);

    const fc = JSON.parse(readFileSync(report, 'utf8')) as { type: string; features: Feature[] };
    assert.equal(fc.type, 'FeatureCollection');
    assert.ok(fc.features.length > 0);
    for (const f of fc.features) {
      assert.equal(f.type, 'Feature');
      assert.ok(f.geometry && ['Point', 'MultiPoint', 'Polygon', 'MultiPolygon'].includes(f.geometry.type));
      assert.ok(Array.isArray(f.geometry.coordinates));
      assert.ok(Number.isFinite(f.properties.m2) && f.properties.m2 >= 0);
      assert.ok(f.properties.areas.length > 0);
    }
    const between = (kind: string) =>
      fc.features.filter(
        (f) =>
          f.properties.kind === kind &&
          f.properties.areas.filter((a) => councilIds.has(a)).length >= (kind === 'overlap' ? 2 : 1),
      );
    const overlaps = between('overlap');
    const gaps = between('gap').filter((f) => city.areas.get(f.properties.areas[0] as never)?.level === 'district');
    const sum = (fs: Feature[]) => fs.reduce((s, f) => s + f.properties.m2, 0);
    t.diagnostic(
      `${overlaps.length} council overlaps ≈ ${Math.round(sum(overlaps))} m², ${gaps.length} council gaps ≈ ` +
        `${Math.round(sum(gaps))} m²; the councils total ${Math.round(total)} m²`,
    );
    assert.ok(overlaps.length > 0 && gaps.length > 0);
    for (const f of [...overlaps, ...gaps]) {
      assert.ok(f.properties.m2 > 0);
      assert.ok(f.properties.m2 < total);
      assert.match(f.geometry?.type ?? '', /Polygon$/);
    }
    assert.ok(sum(overlaps) < total && sum(gaps) < total);

    // With a policy that resolves both, the same problems are warnings and the definition is usable.
    const file = join(dir, 'city.yaml');
    const def = parse(readFileSync(file, 'utf8')) as { grid: Record<string, unknown> };
    def.grid.policy = { gaps: 'nearest', overlaps: 'largest-overlap' };
    writeFileSync(file, stringify(def));
    const resolved = await cli('check', dir, '--json', '--samples', '5000');
    assert.equal(resolved.code, 0, resolved.stdout.slice(0, 500));
    assert.match((JSON.parse(resolved.stdout) as { reason: string }).reason, /^usable with warnings/);
  });
});
