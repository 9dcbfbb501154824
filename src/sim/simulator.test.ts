import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CountRule, ThresholdRule } from '../city/city.ts';
import { tinyCityDef } from '../city/fixtures.ts';
import { resolveCity } from '../city/resolve.ts';
import { buildGrid } from '../grid/h3-grid.ts';
import type { Grid } from '../grid/types.ts';
import type { ReportInput } from '../ingest/report-input.ts';
import type { ReadingInput } from '../sensors/types.ts';
import { HOUR, MINUTE, toIso } from '../shared/clock.ts';
import { demoCityInMemory } from './demo-memory.ts';
import { mulberry32 } from './rng.ts';
import { createSimulator, type SimulatorDeps } from './simulator.ts';

const { city, grid } = demoCityInMemory();
const NOW = Date.UTC(2026, 5, 1, 7, 0, 0);
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function recorder(seed: number, clock = () => NOW, extra: Partial<SimulatorDeps> = {}, c = city, g: Grid = grid) {
  const readings: ReadingInput[][] = [];
  const reports: ReportInput[][] = [];
  const sim = createSimulator({
    city: c,
    grid: g,
    clock,
    random: mulberry32(seed),
    ingestReadings: async (r) => void readings.push(r),
    fileReports: async (r) => void reports.push(r),
    ...extra,
  });
  return { sim, readings, reports, allReadings: () => readings.flat(), allReports: () => reports.flat() };
}

const holds = (rule: ThresholdRule, v: number) =>
  rule.op === '>'
    ? v > rule.value
    : rule.op === '>='
      ? v >= rule.value
      : rule.op === '<'
        ? v < rule.value
        : v <= rule.value;

/** For each (rule, sensor): the longest run of readings holding the rule, and whether the last reading holds it. */
function runs(readings: readonly ReadingInput[], rules: readonly ThresholdRule[]) {
  const out: { rule: ThresholdRule; sensor: string; longest: number; atEnd: number }[] = [];
  for (const rule of rules) {
    const bySensor = new Map<string, ReadingInput[]>();
    for (const r of readings)
      if (r.metric === rule.metric) bySensor.set(r.sensor, [...(bySensor.get(r.sensor) ?? []), r]);
    for (const [sensor, list] of bySensor) {
      let since: number | undefined;
      let longest = 0;
      for (const r of list) {
        const ts = Date.parse(r.ts);
        since = holds(rule, r.value) ? (since ?? ts) : undefined;
        if (since !== undefined) longest = Math.max(longest, ts - since);
      }
      const last = list.at(-1);
      out.push({ rule, sensor, longest, atEnd: since !== undefined && last ? Date.parse(last.ts) - since : -1 });
    }
  }
  return out;
}

const thresholds = city.rules.filter((r): r is ThresholdRule => r.kind === 'threshold');

describe('simulator', () => {
  test('backfill: one reading per sensor and metric every 5 minutes, in range, stamped in the window', async () => {
    const { sim, allReadings } = recorder(1);
    await sim.backfill(NOW - 2 * HOUR, NOW);
    const readings = allReadings();
    const series = [...city.sensors.values()].reduce((n, s) => n + s.metrics.length, 0);
    assert.equal(readings.length, series * 24);
    const steps = new Set<string>();
    for (const r of readings) {
      const sensor = city.sensors.get(r.sensor as never);
      const metric = sensor?.metrics.find((m) => m.name === r.metric);
      assert.ok(metric, `${r.sensor} measures ${r.metric}`);
      assert.ok(Number.isFinite(r.value) && r.value >= metric.min && r.value <= metric.max, `${r.metric}=${r.value}`);
      assert.match(r.ts, ISO_Z);
      const ts = Date.parse(r.ts);
      assert.ok(ts >= NOW - 2 * HOUR && ts < NOW);
      assert.equal(ts % (5 * MINUTE), 0);
      steps.add(r.ts);
    }
    assert.equal(steps.size, 24);
  });

  test('backfill: incidents cross thresholds long enough to fire, and some are still going at the end', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { sim, allReadings } = recorder(seed);
      await sim.backfill(NOW - 2 * HOUR, NOW);
      const found = runs(allReadings(), thresholds);
      const fired = found.filter((r) => r.longest >= r.rule.forMs + 5 * MINUTE);
      assert.ok(new Set(fired.map((f) => f.rule.id)).size >= 3, `seed ${seed}: at least 3 rules fire`);
      const open = found.filter((r) => r.atEnd >= r.rule.forMs + 5 * MINUTE && r.rule.openCase);
      assert.ok(open.length >= 1, `seed ${seed}: an alert that opens a case is still active at the end`);
    }
  });

  test('without incidents the readings stay on the quiet side of every rule, all day', async () => {
    // Live ticks over a whole day with no backfill (so no planned incidents) and no random ones.
    let now = NOW;
    const quiet = recorder(9, () => now, { incidentEveryMs: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 24 * 6; i++) {
      now += 10 * MINUTE;
      await quiet.sim.tick();
    }
    const readings = quiet.allReadings();
    assert.ok(readings.length > 0);
    for (const r of readings) {
      const rule = thresholds.find((t) => t.metric === r.metric);
      if (rule) assert.ok(!holds(rule, r.value), `${r.sensor} ${r.metric}=${r.value} at ${r.ts} breaks ${rule.id}`);
    }
  });

  test('backfill: reports are valid, inside the city, and clustered enough for every count rule', async () => {
    const { sim, allReports } = recorder(3);
    await sim.backfill(NOW - 2 * HOUR, NOW);
    const reports = allReports();
    assert.ok(reports.length >= 20, `${reports.length} reports`);
    const cells = new Map<string, number[]>();
    let previous = 0;
    for (const r of reports) {
      assert.ok(city.categories.has(r.service_code as never), r.service_code);
      assert.ok(r.description && r.description.length > 0);
      assert.doesNotMatch(`${r.description} ${r.address_string ?? ''}`, /@|\d{5,}/, 'no contact details');
      assert.match(r.requested_datetime ?? '', ISO_Z);
      const ts = Date.parse(r.requested_datetime ?? '');
      assert.ok(ts >= NOW - 2 * HOUR && ts < NOW && ts >= previous, 'in the window, in order');
      previous = ts;
      const at = grid.assign(r.long, r.lat);
      assert.ok(at.ok, 'inside the city');
      const key = `${at.value.cell}|${r.service_code}`;
      cells.set(key, [...(cells.get(key) ?? []), ts]);
    }
    for (const rule of city.rules.filter((r): r is CountRule => r.kind === 'count')) {
      const hit = [...cells].some(([key, times]) => {
        if (!key.endsWith(`|${rule.category}`) || times.length < rule.atLeast) return false;
        return times.some((t, i) => (times[i + rule.atLeast - 1] ?? Number.POSITIVE_INFINITY) - t <= rule.withinMs);
      });
      assert.ok(hit, `${rule.id} fires`);
    }
  });

  test('is deterministic with a seeded random', async () => {
    const a = recorder(42);
    const b = recorder(42);
    const c = recorder(43);
    for (const r of [a, b, c]) {
      await r.sim.backfill(NOW - HOUR, NOW);
      await r.sim.tick();
    }
    assert.deepEqual(a.readings, b.readings);
    assert.deepEqual(a.reports, b.reports);
    assert.notDeepEqual(a.readings, c.readings);
  });

  test('tick: a reading per sensor and metric stamped with the clock, and reports in proportion to time', async () => {
    let now = NOW;
    const r = recorder(5, () => now, { reportEveryMs: 1000 });
    await r.sim.backfill(NOW - HOUR, NOW);
    const before = r.allReadings().length;
    const reportsBefore = r.allReports().length;
    now += 60_000;
    await r.sim.tick();
    const fresh = r.allReadings().slice(before);
    assert.equal(
      fresh.length,
      [...city.sensors.values()].reduce((n, s) => n + s.metrics.length, 0),
    );
    assert.ok(fresh.every((x) => x.ts === toIso(now)));
    const filed = r.allReports().slice(reportsBefore);
    assert.ok(filed.length >= 30 && filed.length <= 100, `${filed.length} reports in a minute at one per second`);
    assert.ok(filed.every((x) => Date.parse(x.requested_datetime ?? '') <= now));
    const n = r.allReadings().length;
    await r.sim.tick();
    assert.equal(r.allReadings().length, n, 'no second reading for the same instant');
  });

  test('start and stop drive ticks on a timer', async () => {
    let now = NOW;
    const r = recorder(6, () => (now += 5000));
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    r.sim.start(5);
    // Wait for ticks rather than a fixed time: a busy machine may delay timers.
    for (let waited = 0; r.readings.length < 2 && waited < 5000; waited += 10) await sleep(10);
    r.sim.stop();
    assert.ok(r.readings.length >= 2, `${r.readings.length} ticks`);
    await sleep(30); // a tick already running when stop() was called may still finish
    const calls = r.readings.length;
    await sleep(60);
    assert.equal(r.readings.length, calls, 'no ticks after stop');
  });

  test('runs on another city: the tiny test city', async () => {
    const def = resolveCity(tinyCityDef());
    assert.ok(def.ok);
    const g = buildGrid(def.value);
    assert.ok(g.ok);
    const r = recorder(7, () => NOW, {}, def.value, g.value);
    await r.sim.backfill(NOW - 2 * HOUR, NOW);
    const rules = def.value.rules.filter((x): x is ThresholdRule => x.kind === 'threshold');
    assert.ok(runs(r.allReadings(), rules).some((x) => x.longest >= x.rule.forMs));
    for (const rep of r.allReports()) assert.ok(g.value.assign(rep.long, rep.lat).ok);
  });
});
