import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openSqliteStore } from '../adapters/sqlite/index.ts';
import { createCaseService } from '../cases/service.ts';
import type { Case, CaseHistoryEntry } from '../cases/types.ts';
import type { City } from '../city/city.ts';
import { tinyCityDef } from '../city/fixtures.ts';
import { resolveCity } from '../city/resolve.ts';
import type { GridloopEvents } from '../events.ts';
import { buildGrid } from '../grid/h3-grid.ts';
import type { Grid } from '../grid/types.ts';
import type { Report } from '../ingest/types.ts';
import type { AreaId, CellId, ReportId, ServiceCode } from '../shared/brand.ts';
import { EventBus } from '../shared/bus.ts';
import { demoCityInMemory } from './demo-memory.ts';
import { createOperators } from './operators.ts';
import { mulberry32 } from './rng.ts';

const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);
const TICK = 5000;
const demo = demoCityInMemory();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function setup(seed: number, city: City = demo.city, grid: Grid = demo.grid) {
  const stores = openSqliteStore(':memory:');
  let now = T0;
  const clock = () => now;
  const bus = new EventBus<GridloopEvents>();
  const service = createCaseService({ city, grid, cases: stores.cases, alerts: stores.alerts, bus, clock });
  const errors: unknown[] = [];
  const ops = createOperators({ cases: service, clock, random: mulberry32(seed), onError: (e) => errors.push(e) });
  const cells = grid.allCells();
  let n = 0;
  /** Opens a case for a report; one ms apart, so that the id order (and so the run) is reproducible. */
  const report = async (code: string, cell = cells[n % cells.length] as CellId): Promise<Case> => {
    now += 1;
    const r: Report = {
      id: `report_test${String(n++).padStart(6, '0')}` as ReportId,
      source: 'sim',
      externalId: undefined,
      serviceCode: code as ServiceCode,
      lon: 0,
      lat: 0,
      cell,
      area: grid.leafOf(cell) as AreaId,
      description: 'Test report.',
      address: undefined,
      mediaUrl: undefined,
      requestedAt: now,
      receivedAt: now,
    };
    return service.openFromReport(r);
  };
  const run = async (ticks: number) => {
    for (let i = 0; i < ticks; i++) {
      now += TICK;
      await ops.tick();
    }
  };
  const history = async (c: Case): Promise<CaseHistoryEntry[]> => {
    const h = await service.history(c.id);
    assert.ok(h.ok);
    return h.value;
  };
  const all = () => stores.cases.listCases({ limit: 10_000 });
  return { service, stores, ops, errors, report, run, history, all, advance: (ms: number) => (now += ms) };
}

const LOOP = ['reported', 'registered', 'dispatched', 'in_progress', 'resolved', 'verified', 'closed'];
const ACTORS: Record<string, string> = {
  register: 'sim-dispatcher',
  reject: 'sim-dispatcher',
  start: 'sim-field-team',
  resolve: 'sim-field-team',
  verify: 'sim-supervisor',
  fail_verification: 'sim-supervisor',
  close: 'sim-supervisor',
};

describe('sim operators', () => {
  test('reported cases go round the whole loop to closed, each step by the right desk with a note', async () => {
    const s = setup(1);
    const opened = [];
    for (const code of ['pothole', 'graffiti', 'noise', 'streetlight-out', 'bin-overflow', 'fallen-tree'])
      opened.push(await s.report(code));
    await s.run(12 * 20); // 20 minutes of 5 s ticks
    assert.deepEqual(s.errors, []);
    let closed = 0;
    for (const c of opened) {
      const h = await s.history(c);
      const last = h.at(-1);
      if (last?.to !== 'closed') continue;
      closed++;
      for (const state of LOOP)
        assert.ok(
          h.some((e) => e.to === state),
          `${c.id} never ${state}`,
        );
      for (const e of h.slice(1)) {
        // The demo city dispatches registered cases automatically, as the system.
        const actor = e.type === 'dispatch' ? 'system' : ACTORS[e.type];
        assert.equal(e.actor, actor, `${e.type} by ${e.actor}`);
        assert.ok(e.note && e.note.length > 5, `${e.type} has no note`);
      }
    }
    assert.ok(closed >= 3, `only ${closed} of ${opened.length} closed`);
  });

  test('the loop turns gradually: after one minute nothing is closed yet, but work has started', async () => {
    const s = setup(2);
    for (let i = 0; i < 20; i++) await s.report('pothole');
    await s.run(12);
    const states = (await s.all()).map((c) => c.state);
    assert.equal(states.filter((x) => x === 'closed').length, 0);
    assert.ok(states.filter((x) => x !== 'reported').length >= 3, states.join());
    assert.ok(states.filter((x) => x === 'reported').length >= 3, states.join());
  });

  test('across many cases some fail verification and come back through rework; some are rejected with a note', async () => {
    const s = setup(3);
    const opened = [];
    for (let i = 0; i < 80; i++) opened.push(await s.report(i % 2 ? 'pothole' : 'illegal-dumping'));
    await s.run(12 * 30);
    assert.deepEqual(s.errors, []);
    const histories = await Promise.all(opened.map((c) => s.history(c)));
    const failed = histories.filter((h) => h.some((e) => e.type === 'fail_verification'));
    assert.ok(failed.length >= 1, 'no case failed verification');
    for (const h of failed) {
      const i = h.findIndex((e) => e.type === 'fail_verification');
      assert.equal(h[i]?.actor, 'sim-supervisor');
      assert.equal(h[i]?.to, 'rework');
      assert.ok(h[i]?.note);
      const restart = h[i + 1];
      if (restart) assert.deepEqual([restart.type, restart.from, restart.actor], ['start', 'rework', 'sim-field-team']);
    }
    const rejected = histories.filter((h) => h.at(-1)?.type === 'reject');
    assert.ok(rejected.length >= 1, 'no case rejected');
    for (const h of rejected) assert.match(h.at(-1)?.note ?? '', /^Not actionable/);
    // Not everything is done at once: some cases are still open after half an hour.
    const states = (await s.all()).map((c) => c.state);
    assert.ok(states.filter((x) => x === 'closed').length >= 40, states.join());
    assert.ok(
      states.some((x) => !['closed', 'rejected'].includes(x)),
      'every case finished',
    );
  });

  test('a few cases lie untouched until they run overdue, and are then chased', async () => {
    const s = setup(8);
    for (let i = 0; i < 60; i++) await s.report('traffic-signal'); // register is due within 30 min
    for (let minute = 0; minute < 45; minute++) {
      await s.run(12);
      await s.service.sweepOverdue();
    }
    const histories = await Promise.all((await s.all()).map((c) => s.history(c)));
    const late = histories.filter((h) => h.some((e) => e.type === 'overdue' && e.from === 'reported'));
    assert.ok(late.length >= 1 && late.length <= 15, `${late.length} ran overdue`);
    for (const h of late) {
      const i = h.findIndex((e) => e.type === 'overdue');
      const next = h.slice(i + 1).find((e) => e.type !== 'overdue');
      assert.ok(next && ['register', 'reject'].includes(next.type), `not chased: ${next?.type}`);
      assert.equal(next.actor, 'sim-dispatcher');
    }
    assert.deepEqual(s.errors, []);
  });

  test('terminal and closed cases are never touched', async () => {
    const s = setup(4);
    const rejected = await s.report('pothole');
    const merged = await s.report('pothole');
    const closed = await s.report('pothole');
    assert.ok((await s.service.apply(rejected.id, 'reject', { actor: 'test' })).ok);
    assert.ok((await s.service.apply(merged.id, 'merge', { actor: 'test' })).ok);
    for (const e of ['register', 'start', 'resolve', 'verify', 'close'] as const)
      assert.ok((await s.service.apply(closed.id, e, { actor: 'test' })).ok, e);
    const before = await Promise.all([rejected, merged, closed].map((c) => s.history(c)));
    await s.run(200);
    const after = await Promise.all([rejected, merged, closed].map((c) => s.history(c)));
    assert.deepEqual(after, before);
    assert.deepEqual(s.errors, []);
  });

  test('ticks do nothing when there are no cases, and nothing while the clock stands still', async () => {
    const s = setup(5);
    await s.run(50);
    assert.deepEqual(await s.all(), []);
    const c = await s.report('pothole');
    for (let i = 0; i < 200; i++) await s.ops.tick();
    // The first tick counts as one nominal interval; the others see no time pass.
    const h = await s.history(c);
    assert.ok(h.length <= 3, String(h.length));
    assert.deepEqual(s.errors, []);
  });

  test('start and stop drive ticks on a timer', async () => {
    const s = setup(9);
    for (let i = 0; i < 10; i++) await s.report('pothole');
    let t = T0;
    const ops = createOperators({ cases: s.service, clock: () => (t += TICK), random: mulberry32(9) });
    const snapshot = async () => (await s.all()).map((c) => c.version).join();
    const before = await snapshot();
    ops.start(2);
    for (let waited = 0; waited < 5000 && (await snapshot()) === before; waited += 20) await sleep(20);
    ops.stop();
    assert.notEqual(await snapshot(), before, 'no tick ran');
    await sleep(100); // a tick already running may finish
    const stopped = await snapshot();
    await sleep(100);
    assert.equal(await snapshot(), stopped);
  });

  test('with a seeded random, the same cases take the same steps', async () => {
    const trace = async () => {
      const s = setup(6);
      for (let i = 0; i < 10; i++) await s.report('graffiti');
      await s.run(60);
      return (await s.all()).map((c) => `${c.state}/${c.version}`);
    };
    assert.deepEqual(await trace(), await trace());
  });

  test('without autoDispatch the dispatcher dispatches; with no responsible team the case is left registered', async () => {
    const def = tinyCityDef();
    def.workflow = { autoDispatch: false };
    def.categories.push({
      code: 'graffiti',
      name: 'Graffiti',
      priority: 'low',
      deadlines: { register: '1h', dispatch: '1h', start: '1d', resolve: '2d', verify: '1d', close: '1d' },
    });
    const city = resolveCity(def);
    assert.ok(city.ok);
    const grid = buildGrid(city.value);
    assert.ok(grid.ok);
    const s = setup(7, city.value, grid.value);
    const pothole = await s.report('pothole');
    const graffiti = await s.report('graffiti');
    await s.run(12 * 10);
    const h = await s.history(pothole);
    const dispatch = h.find((e) => e.type === 'dispatch');
    assert.equal(dispatch?.actor, 'sim-dispatcher');
    assert.ok(dispatch?.team, 'dispatched without a team');
    const g = await s.service.get(graffiti.id);
    assert.ok(g.ok);
    assert.equal(g.value.state, 'registered');
    assert.deepEqual(s.errors, []);
  });
});
