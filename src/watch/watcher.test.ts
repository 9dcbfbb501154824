import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openSqliteStore } from '../adapters/sqlite/index.ts';
import { tinyCityDef } from '../city/fixtures.ts';
import { resolveCity } from '../city/resolve.ts';
import type { GridloopEvents } from '../events.ts';
import { buildGrid } from '../grid/h3-grid.ts';
import type { Report } from '../ingest/types.ts';
import type { Reading } from '../sensors/types.ts';
import type { AreaId, CellId, ReportId, SensorId, ServiceCode } from '../shared/brand.ts';
import { EventBus } from '../shared/bus.ts';
import { DAY, HOUR, MINUTE } from '../shared/clock.ts';
import type { Alert } from './types.ts';
import { createWatcher } from './watcher.ts';

const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);

function setup() {
  const city = resolveCity(tinyCityDef());
  assert.ok(city.ok);
  const grid = buildGrid(city.value);
  assert.ok(grid.ok);
  const stores = openSqliteStore(':memory:');
  const bus = new EventBus<GridloopEvents>();
  const events: { type: 'raised' | 'cleared'; alert: Alert }[] = [];
  bus.on('AlertRaised', (e) => void events.push({ type: 'raised', alert: e.alert }));
  bus.on('AlertCleared', (e) => void events.push({ type: 'cleared', alert: e.alert }));
  let now = T0;
  const clock = () => now;
  const make = () =>
    createWatcher({
      city: city.value,
      grid: grid.value,
      alerts: stores.alerts,
      countReports: (...a) => stores.reports.countReports(...a),
      bus,
      clock,
    });
  const aqCell = grid.value.assign(10, 50);
  assert.ok(aqCell.ok);
  return {
    city: city.value,
    grid: grid.value,
    stores,
    bus,
    events,
    make,
    aqCell: aqCell.value,
    setNow: (t: number) => {
      now = t;
    },
  };
}

const pm = (cell: CellId, min: number, value: number, sensor = 'aq-1'): Reading => ({
  sensor: sensor as SensorId,
  metric: 'pm25',
  ts: T0 + min * MINUTE,
  value,
  cell,
});

let reportSeq = 0;
const pothole = (cell: CellId, area: AreaId, at: number): Report => ({
  id: `report_${String(++reportSeq).padStart(6, '0')}` as ReportId,
  source: 'test',
  externalId: undefined,
  serviceCode: 'pothole' as ServiceCode,
  lon: 10,
  lat: 50,
  cell,
  area,
  description: undefined,
  address: undefined,
  mediaUrl: undefined,
  requestedAt: at,
  receivedAt: at,
});

describe('watcher: threshold rules', () => {
  test('below forMs nothing; at forMs one stored alert with evidence; then a hysteresis clear', async () => {
    const { stores, events, make, aqCell, grid } = setup();
    const w = make();
    await w.init();
    const cell = aqCell.cell;
    assert.deepEqual(await w.onReadings([pm(cell, 0, 80), pm(cell, 29, 90)]), { raised: [], cleared: [] });
    assert.equal((await stores.alerts.listAlerts({ limit: 10 })).length, 0);

    const { raised } = await w.onReadings([pm(cell, 30, 95), pm(cell, 31, 99), pm(cell, 45, 120)]);
    assert.equal(raised.length, 1);
    const alert = raised[0] as Alert;
    assert.equal(alert.title, 'PM2.5 above 75 µg/m3 for 30 min');
    assert.equal(alert.rule, 'pm25-high');
    assert.equal(alert.ruleKind, 'threshold');
    assert.equal(alert.severity, 'warning');
    assert.equal(alert.state, 'open');
    assert.equal(alert.cell, cell);
    assert.equal(alert.area, grid.leafOf(cell));
    assert.equal(alert.sensor, 'aq-1');
    assert.equal(alert.metric, 'pm25');
    assert.equal(alert.category, 'air-pollution');
    assert.equal(alert.raisedAt, T0 + 30 * MINUTE);
    assert.deepEqual(alert.evidence.window, { from: T0, to: T0 + 30 * MINUTE });
    assert.deepEqual(
      alert.evidence.values?.map((v) => v.value),
      [80, 90, 95],
    );
    assert.deepEqual(await stores.alerts.getAlert(alert.id), alert);
    assert.deepEqual(
      events.map((e) => [e.type, e.alert.id]),
      [['raised', alert.id]],
    );

    // 60 is below the threshold but above clearAt (50): still raised.
    assert.deepEqual(await w.onReadings([pm(cell, 50, 60)]), { raised: [], cleared: [] });
    const { cleared } = await w.onReadings([pm(cell, 55, 40)]);
    assert.equal(cleared.length, 1);
    const stored = await stores.alerts.getAlert(alert.id);
    assert.equal(stored?.state, 'cleared');
    assert.equal(stored?.clearedAt, T0 + 55 * MINUTE);
    assert.deepEqual(stored?.evidence.clearedBy, { ts: T0 + 55 * MINUTE, value: 40 });
    assert.deepEqual(cleared[0], stored);
    assert.deepEqual(
      events.map((e) => e.type),
      ['raised', 'cleared'],
    );
    assert.deepEqual(await stores.alerts.openAlerts(), []);
  });

  test('a restarted watcher rebuilds its state from the open alerts: no duplicate, and it still clears', async () => {
    const { stores, make, aqCell } = setup();
    const first = make();
    await first.init();
    const cell = aqCell.cell;
    await first.onReadings([pm(cell, 0, 80), pm(cell, 30, 80)]);
    assert.equal((await stores.alerts.openAlerts()).length, 1);

    const second = make();
    await second.init();
    assert.deepEqual(await second.onReadings([pm(cell, 40, 80), pm(cell, 90, 80)]), { raised: [], cleared: [] });
    const { cleared } = await second.onReadings([pm(cell, 95, 10)]);
    assert.equal(cleared.length, 1);
    assert.equal((await stores.alerts.listAlerts({ limit: 10 })).length, 1);
  });

  test('subscribe() turns ReadingsStored into alerts', async () => {
    const { bus, events, make, aqCell } = setup();
    const w = make();
    await w.init();
    const off = w.subscribe();
    const cell = aqCell.cell;
    await bus.emit('ReadingsStored', { readings: [pm(cell, 0, 80), pm(cell, 30, 80)], source: 'test' });
    assert.equal(events.length, 1);
    off();
    await bus.emit('ReadingsStored', { readings: [pm(cell, 40, 10)], source: 'test' });
    assert.equal(events.length, 1);
  });
});

describe('watcher: count rules', () => {
  test('raises at the Nth report in a cell within the window, once, and clears on tick when the window passes', async () => {
    const { stores, events, make, grid, setNow } = setup();
    const w = make();
    await w.init();
    const cell = grid.cellsOf('c3' as AreaId)[0] as CellId;
    const other = grid.cellsOf('c3' as AreaId)[1] as CellId;
    const file = async (reports: Report[]) => {
      await stores.reports.writeReports(reports, []);
      return w.onReports(reports);
    };
    // 3 within 7 days are needed; two in the cell and one next door do not make it.
    assert.equal(
      (await file([pothole(cell, 'c3' as AreaId, T0), pothole(other, 'c3' as AreaId, T0)])).raised.length,
      0,
    );
    assert.equal((await file([pothole(cell, 'c3' as AreaId, T0 + DAY)])).raised.length, 0);
    const third = await file([pothole(cell, 'c3' as AreaId, T0 + 2 * DAY)]);
    assert.equal(third.raised.length, 1);
    const alert = third.raised[0] as Alert;
    assert.equal(alert.ruleKind, 'count');
    assert.equal(alert.rule, 'pothole-cluster');
    assert.equal(alert.title, '3 or more Pothole reports within 7 d');
    assert.equal(alert.cell, cell);
    assert.equal(alert.area, 'c3');
    assert.equal(alert.category, undefined);
    assert.equal(alert.sensor, undefined);
    assert.deepEqual(alert.evidence, { window: { from: T0 - 5 * DAY, to: T0 + 2 * DAY }, count: 3, atLeast: 3 });

    assert.equal((await file([pothole(cell, 'c3' as AreaId, T0 + 2 * DAY + HOUR)])).raised.length, 0);

    // Still 3 in [now - 7d, now] a week after the first one (it drops out, the 4th keeps it at 3).
    setNow(T0 + 7 * DAY + HOUR);
    assert.deepEqual(await w.tick(), { raised: [], cleared: [] });
    // Once the window holds fewer than 3, tick clears it.
    setNow(T0 + 8 * DAY + 1);
    const { cleared } = await w.tick();
    assert.equal(cleared.length, 1);
    assert.equal(cleared[0]?.state, 'cleared');
    assert.deepEqual(cleared[0]?.evidence.clearedBy, { ts: T0 + 8 * DAY + 1, value: 2 });
    assert.deepEqual(
      events.map((e) => e.type),
      ['raised', 'cleared'],
    );
    assert.deepEqual(await w.tick(), { raised: [], cleared: [] });
  });

  test('several reports in one batch raise one alert; a restart keeps it open without a duplicate', async () => {
    const { stores, make, grid } = setup();
    const w = make();
    await w.init();
    const cell = grid.cellsOf('c1' as AreaId)[0] as CellId;
    const batch = [0, 1, 2, 3, 4].map((h) => pothole(cell, 'c1' as AreaId, T0 + h * HOUR));
    await stores.reports.writeReports(batch, []);
    assert.equal((await w.onReports(batch)).raised.length, 1);

    const again = make();
    await again.init();
    const more = [pothole(cell, 'c1' as AreaId, T0 + 5 * HOUR)];
    await stores.reports.writeReports(more, []);
    assert.equal((await again.onReports(more)).raised.length, 0);
    assert.equal((await stores.alerts.openAlerts()).length, 1);
  });
});
