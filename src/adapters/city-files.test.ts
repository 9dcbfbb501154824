import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildGrid } from '../grid/h3-grid.ts';
import type { AreaId } from '../shared/brand.ts';
import { isDomainError } from '../shared/errors.ts';
import { generateDemoCity } from '../sim/demo-city.ts';
import { loadCity, writeDemoCity } from './city-files.ts';

const DEMO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'cities', 'demo');
const REGENERATE =
  'cities/demo is out of date with its generator: run `npx gridloop demo generate` and commit the result';

async function rejectsWith(p: Promise<unknown>, code: string): Promise<Record<string, unknown> | undefined> {
  try {
    await p;
  } catch (e) {
    assert.ok(isDomainError(e), `expected a DomainError, got ${String(e)}`);
    assert.equal(e.code, code);
    return e.details;
  }
  assert.fail(`expected ${code}`);
}

describe('city files', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gridloop-city-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('cities/demo is exactly what the generator writes', () => {
    const { yaml, files } = generateDemoCity();
    assert.ok(yaml === readFileSync(join(DEMO_DIR, 'city.yaml'), 'utf8'), `city.yaml: ${REGENERATE}`);
    for (const [name, text] of Object.entries(files)) {
      assert.ok(text === readFileSync(join(DEMO_DIR, name), 'utf8'), `${name}: ${REGENERATE}`);
    }
  });

  test('the demo city loads, grids and has the planned size', async () => {
    const city = await loadCity(DEMO_DIR);
    const grid = buildGrid(city);
    assert.ok(grid.ok);
    const levelCount = (level: string) => [...city.areas.values()].filter((a) => a.level === level).length;
    assert.ok(levelCount('district') >= 10 && levelCount('district') <= 14);
    assert.ok(levelCount('community') >= 50 && levelCount('community') <= 70);
    assert.ok(grid.value.cellCount >= 4500 && grid.value.cellCount <= 5500);
    assert.equal(grid.value.cellsOf(city.root).length, grid.value.cellCount);
    assert.equal(city.sensors.size, 300);
    assert.equal(city.teams.length, 8);
    assert.equal(new Set([...city.sensors.values()].map((s) => s.kind)).size, 5);
    for (const s of city.sensors.values()) {
      const r = grid.value.assign(s.lon, s.lat);
      assert.ok(r.ok, `sensor ${s.id} assigns to a cell`);
      assert.equal(r.value.path[0], city.root);
      assert.equal(city.areas.get(r.value.path.at(-1) as AreaId)?.level, 'community');
    }
  });

  test('writeDemoCity writes files that load', async () => {
    const dir = join(tmp, 'demo');
    const written = await writeDemoCity(dir);
    assert.deepEqual(written.map((p) => p.slice(dir.length + 1)).sort(), [
      'areas.geojson',
      'city.yaml',
      'zones.geojson',
    ]);
    const city = await loadCity(dir);
    assert.equal(city.id, 'riverton');
  });

  test('a missing folder or area file is CITY_NOT_FOUND, naming the file', async () => {
    const none = join(tmp, 'nowhere');
    assert.deepEqual(await rejectsWith(loadCity(none), 'CITY_NOT_FOUND'), { file: join(none, 'city.yaml') });
    const dir = mkdtempSync(join(tmp, 'c-'));
    writeFileSync(join(dir, 'city.yaml'), readFileSync(join(DEMO_DIR, 'city.yaml')));
    const details = await rejectsWith(loadCity(dir), 'CITY_NOT_FOUND');
    assert.equal(details?.file, join(dir, 'areas.geojson'));
  });

  test('a broken city.yaml or area file is CITY_INVALID, naming the file', async () => {
    const dir = mkdtempSync(join(tmp, 'c-'));
    writeFileSync(join(dir, 'city.yaml'), 'id: x\nname: [\n');
    assert.equal((await rejectsWith(loadCity(dir), 'CITY_INVALID'))?.file, join(dir, 'city.yaml'));
    writeFileSync(join(dir, 'city.yaml'), readFileSync(join(DEMO_DIR, 'city.yaml')));
    writeFileSync(join(dir, 'zones.geojson'), readFileSync(join(DEMO_DIR, 'zones.geojson')));
    writeFileSync(join(dir, 'areas.geojson'), '{"type": "FeatureCollection", "features": [');
    assert.deepEqual(await rejectsWith(loadCity(dir), 'CITY_INVALID'), { file: join(dir, 'areas.geojson'), path: '' });
    const areas = JSON.parse(readFileSync(join(DEMO_DIR, 'areas.geojson'), 'utf8'));
    areas.features[3].properties.parent = 'd99';
    writeFileSync(join(dir, 'areas.geojson'), JSON.stringify(areas));
    assert.deepEqual(await rejectsWith(loadCity(dir), 'CITY_INVALID'), {
      file: join(dir, 'areas.geojson'),
      path: '/features/3/properties/parent',
    });
  });
});
