import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openSqliteStore } from '../adapters/sqlite/index.ts';
import { tinyCityDef } from '../city/fixtures.ts';
import { resolveCity } from '../city/resolve.ts';
import type { CityDef } from '../city/schema.ts';
import type { GridloopEvents } from '../events.ts';
import { buildGrid } from '../grid/h3-grid.ts';
import type { Report } from '../ingest/types.ts';
import type {
  AlertId,
  AreaId,
  CaseId,
  CellId,
  ReportId,
  RuleId,
  SensorId,
  ServiceCode,
  TeamId,
} from '../shared/brand.ts';
import { EventBus } from '../shared/bus.ts';
import { HOUR, MINUTE } from '../shared/clock.ts';
import type { Alert } from '../watch/types.ts';
import { createCaseService } from './service.ts';
import type { Case, CaseHistoryEntry } from './types.ts';

const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);

function setup(edit: (def: CityDef) => void = () => {}) {
  const def = tinyCityDef();
  def.categories.push({
    code: 'graffiti',
    name: 'Graffiti',
    priority: 'low',
    deadlines: { register: '1h', dispatch: '1h', start: '1d', resolve: '2d', verify: '1d', close: '1d' },
  });
  edit(def);
  const city = resolveCity(def);
  assert.ok(city.ok, city.ok ? '' : city.error.message);
  const grid = buildGrid(city.value);
  assert.ok(grid.ok);
  const stores = openSqliteStore(':memory:');
  const bus = new EventBus<GridloopEvents>();
  const changes: GridloopEvents['CaseChanged'][] = [];
  bus.on('CaseChanged', (e) => void changes.push(e));
  let now = T0;
  const service = createCaseService({
    city: city.value,
    grid: grid.value,
    cases: stores.cases,
    alerts: stores.alerts,
    bus,
    clock: () => now,
  });
  const cellOf = (area: string) => grid.value.cellsOf(area as AreaId)[0] as CellId;
  return {
    city: city.value,
    grid: grid.value,
    stores,
    bus,
    changes,
    service,
    cellOf,
    advance: (ms: number) => {
      now += ms;
      return now;
    },
  };
}

const alertIn = (cell: CellId, area: string, over: Partial<Alert> = {}): Alert => ({
  id: `alert_${Math.random().toString(36).slice(2, 10)}` as AlertId,
  rule: 'pm25-high' as RuleId,
  ruleKind: 'threshold',
  title: 'PM2.5 above 75 µg/m3 for 30 min',
  severity: 'warning',
  state: 'open',
  cell,
  area: area as AreaId,
  sensor: 'aq-1' as SensorId,
  metric: 'pm25',
  category: 'air-pollution' as ServiceCode,
  raisedAt: T0,
  clearedAt: undefined,
  evidence: { window: { from: T0 - 30 * MINUTE, to: T0 }, threshold: 75, op: '>' },
  caseId: undefined,
  ...over,
});

const reportIn = (cell: CellId, area: string, code = 'pothole'): Report => ({
  id: `report_${Math.random().toString(36).slice(2, 10)}` as ReportId,
  source: 'open311',
  externalId: undefined,
  serviceCode: code as ServiceCode,
  lon: 10,
  lat: 50,
  cell,
  area: area as AreaId,
  description: 'Big hole',
  address: 'Mill Lane 3',
  mediaUrl: undefined,
  requestedAt: T0,
  receivedAt: T0,
});

function must<T>(r: { ok: true; value: T } | { ok: false; error: { code: string } }): T {
  if (!r.ok) assert.fail(`expected ok, got ${r.error.code}`);
  return r.value;
}

const steps = (h: CaseHistoryEntry[]) => h.map((e) => `${e.type}:${e.from ?? '-'}>${e.to}:${e.actor}`);

describe('case service: opening', () => {
  test('an alert opens a case, registered and dispatched at once by the system, and linked to the alert', async () => {
    const { service, stores, cellOf, changes } = setup();
    const alert = alertIn(cellOf('c3'), 'c3');
    await stores.alerts.insertAlert(alert);
    const c = (await service.openFromAlert(alert)) as Case;
    assert.equal(c.state, 'dispatched');
    assert.equal(c.team, 'city-desk');
    assert.equal(c.source, 'alert');
    assert.equal(c.alertId, alert.id);
    assert.equal(c.priority, 'high');
    assert.deepEqual(c.areaPath, ['tiny', 'd2', 'c3']);
    assert.equal(c.dueStage, 'start');
    assert.equal(c.dueAt, T0 + 2 * HOUR);
    assert.deepEqual(await stores.cases.getCase(c.id), c);
    assert.equal((await stores.alerts.getAlert(alert.id))?.caseId, c.id);
    const history = must(await service.history(c.id));
    assert.deepEqual(steps(history), [
      'opened:->reported:system',
      'register:reported>registered:system',
      'dispatch:registered>dispatched:system',
    ]);
    assert.equal(history[2]?.team, 'city-desk');
    // Every change was emitted, with the entry the store holds.
    assert.deepEqual(
      changes.map((e) => e.entry),
      history,
    );
    assert.deepEqual(changes.at(-1)?.case, c);
  });

  test('an alert without a category opens nothing; without auto flags the case waits in reported', async () => {
    const plain = setup();
    assert.equal(
      await plain.service.openFromAlert(alertIn(plain.cellOf('c1'), 'c1', { category: undefined })),
      undefined,
    );
    const linked = alertIn(plain.cellOf('c1'), 'c1', { caseId: 'case_x' as CaseId });
    assert.equal(await plain.service.openFromAlert(linked), undefined);
    assert.equal(await plain.stores.cases.countCases(), 0);

    const manual = setup((def) => {
      def.workflow = { autoRegisterAlerts: false, autoDispatch: false };
    });
    const alert = alertIn(manual.cellOf('c1'), 'c1');
    await manual.stores.alerts.insertAlert(alert);
    const c = (await manual.service.openFromAlert(alert)) as Case;
    assert.equal(c.state, 'reported');
    assert.equal(c.dueStage, 'register');
    assert.equal(c.dueAt, T0 + 30 * MINUTE);
  });

  test('a report opens a case in reported; registering it dispatches to the team of its area, with fallback', async () => {
    const { service, cellOf } = setup();
    const north = await service.openFromReport(reportIn(cellOf('c1'), 'c1'));
    assert.equal(north.state, 'reported');
    assert.equal(north.source, 'report');
    assert.equal(north.title, 'Pothole at Mill Lane 3');
    assert.equal(north.description, 'Big hole');
    assert.equal(north.dueAt, T0 + 4 * HOUR);
    const n = must(await service.apply(north.id, 'register', { actor: 'u1' }));
    assert.equal(n.state, 'dispatched');
    assert.equal(n.team, 'roads-north');

    const south = await service.openFromReport(reportIn(cellOf('c3'), 'c3'));
    const s = must(await service.apply(south.id, 'register', { actor: 'u1' }));
    assert.equal(s.team, 'city-desk');
  });

  test('no responsible team: auto-dispatch leaves the case registered, manual dispatch needs a team', async () => {
    const { service, cellOf, city } = setup();
    const c = await service.openFromReport(reportIn(cellOf('c1'), 'c1', 'graffiti'));
    assert.equal(c.priority, 'low');
    assert.equal(c.dueAt, T0 + 2 * HOUR); // low doubles the 1 h register deadline
    const registered = must(await service.apply(c.id, 'register', { actor: 'u1' }));
    assert.equal(registered.state, 'registered');
    const noTeam = await service.apply(c.id, 'dispatch', { actor: 'u1' });
    assert.equal(noTeam.ok ? 'ok' : noTeam.error.code, 'CASE_NO_TEAM');
    const unknown = await service.apply(c.id, 'dispatch', { actor: 'u1', team: 'nobody' as TeamId });
    assert.equal(unknown.ok ? 'ok' : unknown.error.code, 'CASE_UNKNOWN_TEAM');
    const chosen = must(await service.apply(c.id, 'dispatch', { actor: 'u1', team: city.teams[0]?.id }));
    assert.equal(chosen.team, 'roads-north');
  });

  test('subscribe() opens cases from AlertRaised and ReportFiled', async () => {
    const { service, bus, stores, cellOf } = setup();
    const off = service.subscribe();
    const alert = alertIn(cellOf('c2'), 'c2');
    await stores.alerts.insertAlert(alert);
    await bus.emit('AlertRaised', { alert });
    await bus.emit('ReportFiled', {
      reports: [reportIn(cellOf('c1'), 'c1'), reportIn(cellOf('c2'), 'c2')],
      source: 't',
    });
    assert.equal(await stores.cases.countCases(), 3);
    off();
    await bus.emit('ReportFiled', { reports: [reportIn(cellOf('c1'), 'c1')], source: 't' });
    assert.equal(await stores.cases.countCases(), 3);
  });
});

describe('case service: the loop', () => {
  test('dispatched → in progress → resolved → verified → closed, with deadlines and history', async () => {
    const { service, cellOf, advance, changes } = setup();
    const opened = await service.openFromReport(reportIn(cellOf('c1'), 'c1'));
    const id = opened.id;
    const go = async (event: Parameters<typeof service.apply>[1], actor = 'u1') => {
      advance(10 * MINUTE);
      return must(await service.apply(id, event, { actor, note: `${event} done` }));
    };
    const expected: [Parameters<typeof service.apply>[1], Case['state'], Case['dueStage'], number | undefined][] = [
      ['register', 'dispatched', 'start', 2 * 24 * HOUR],
      ['start', 'in_progress', 'resolve', 5 * 24 * HOUR],
      ['resolve', 'resolved', 'verify', 24 * HOUR],
      ['verify', 'verified', 'close', 60 * MINUTE],
      ['close', 'closed', undefined, undefined],
    ];
    for (const [event, state, stage, allowed] of expected) {
      const c = await go(event);
      assert.equal(c.state, state, event);
      assert.equal(c.dueStage, stage, event);
      assert.equal(c.dueAt, allowed === undefined ? undefined : c.updatedAt + allowed, event);
    }
    const closed = must(await service.get(id));
    assert.equal(closed.version, 7);
    assert.equal(closed.team, 'roads-north');
    const history = must(await service.history(id));
    assert.deepEqual(steps(history), [
      'opened:->reported:system',
      'register:reported>registered:u1',
      'dispatch:registered>dispatched:system',
      'start:dispatched>in_progress:u1',
      'resolve:in_progress>resolved:u1',
      'verify:resolved>verified:u1',
      'close:verified>closed:u1',
    ]);
    assert.deepEqual(
      history.map((h) => h.seq),
      [1, 2, 3, 4, 5, 6, 7],
    );
    assert.equal(history[4]?.note, 'resolve done');
    assert.deepEqual(
      changes.map((e) => e.entry),
      history,
    );

    const reopen = must(await service.apply(id, 'reopen', { actor: 'u2' }));
    assert.equal(reopen.state, 'reopened');
    assert.equal(reopen.dueStage, 'dispatch');
  });

  test('fail_verification → rework → in progress → resolved, counting rework', async () => {
    const { service, cellOf } = setup();
    const c = await service.openFromReport(reportIn(cellOf('c1'), 'c1'));
    for (const e of ['register', 'start', 'resolve'] as const) must(await service.apply(c.id, e, { actor: 'u1' }));
    const rework = must(await service.apply(c.id, 'fail_verification', { actor: 'inspector', note: 'still a hole' }));
    assert.equal(rework.state, 'rework');
    assert.equal(rework.reworkCount, 1);
    assert.equal(rework.dueStage, 'resolve');
    assert.equal(must(await service.apply(c.id, 'start', { actor: 'u1' })).state, 'in_progress');
    const resolved = must(await service.apply(c.id, 'resolve', { actor: 'u1' }));
    assert.equal(resolved.state, 'resolved');
    assert.equal(resolved.reworkCount, 1);
    const again = must(await service.apply(c.id, 'fail_verification', { actor: 'inspector' }));
    assert.equal(again.reworkCount, 2);
  });

  test('refusals: unknown case, invalid transition, unknown event', async () => {
    const { service, cellOf } = setup();
    const missing = await service.apply('case_nope' as CaseId, 'register', { actor: 'u1' });
    assert.equal(missing.ok ? 'ok' : missing.error.code, 'CASE_NOT_FOUND');
    const noGet = await service.get('case_nope' as CaseId);
    assert.equal(noGet.ok ? 'ok' : noGet.error.code, 'CASE_NOT_FOUND');
    const noHistory = await service.history('case_nope' as CaseId);
    assert.equal(noHistory.ok ? 'ok' : noHistory.error.code, 'CASE_NOT_FOUND');
    const c = await service.openFromReport(reportIn(cellOf('c1'), 'c1'));
    const bad = await service.apply(c.id, 'close', { actor: 'u1' });
    assert.equal(bad.ok ? 'ok' : bad.error.code, 'CASE_INVALID_TRANSITION');
    const odd = await service.apply(c.id, 'explode' as 'close', { actor: 'u1' });
    assert.equal(odd.ok ? 'ok' : odd.error.code, 'CASE_UNKNOWN_EVENT');
    assert.equal(must(await service.get(c.id)).version, 1);
  });

  test('two writers at once: the loser retries on the new version', async () => {
    const { service, cellOf } = setup();
    const c = await service.openFromReport(reportIn(cellOf('c1'), 'c1'));
    must(await service.apply(c.id, 'register', { actor: 'u1' }));
    const [a, b] = await Promise.all([
      service.apply(c.id, 'dispatch', { actor: 'a', team: 'city-desk' as TeamId }),
      service.apply(c.id, 'dispatch', { actor: 'b', team: 'roads-north' as TeamId }),
    ]);
    assert.equal(must(a).version, 4);
    assert.equal(must(b).version, 5);
    const history = must(await service.history(c.id));
    assert.deepEqual(
      history.slice(-2).map((h) => [h.actor, h.team]),
      [
        ['a', 'city-desk'],
        ['b', 'roads-north'],
      ],
    );
    // Two starts at once: one wins, the other's retry finds the case in progress already.
    const [s1, s2] = await Promise.all([
      service.apply(c.id, 'start', { actor: 'a' }),
      service.apply(c.id, 'start', { actor: 'b' }),
    ]);
    assert.deepEqual([s1.ok, s2.ok ? 'ok' : s2.error.code], [true, 'CASE_INVALID_TRANSITION']);
  });

  test('reassigning keeps the running deadline', async () => {
    const { service, cellOf, advance } = setup();
    const c = await service.openFromReport(reportIn(cellOf('c1'), 'c1'));
    const d = must(await service.apply(c.id, 'register', { actor: 'u1' }));
    advance(HOUR);
    const r = must(await service.apply(c.id, 'dispatch', { actor: 'u1', team: 'city-desk' as TeamId }));
    assert.equal(r.team, 'city-desk');
    assert.equal(r.dueAt, d.dueAt);
  });
});

describe('case service: overdue sweep', () => {
  test('marks cases past their due time once, with a history entry and an event; moving on clears the mark', async () => {
    const { service, cellOf, advance, changes } = setup((def) => {
      def.workflow = { autoRegisterAlerts: true, autoDispatch: false };
    });
    const late = await service.openFromReport(reportIn(cellOf('c1'), 'c1')); // register due in 4 h
    const onTime = await service.openFromReport(reportIn(cellOf('c2'), 'c2', 'graffiti')); // due in 2 h (low)
    advance(2 * HOUR);
    assert.deepEqual(await service.sweepOverdue(), []);
    advance(1);
    const first = await service.sweepOverdue();
    assert.deepEqual(
      first.map((c) => c.id),
      [onTime.id],
    );
    advance(2 * HOUR);
    const second = await service.sweepOverdue();
    assert.deepEqual(
      second.map((c) => c.id),
      [late.id],
    );
    assert.deepEqual(await service.sweepOverdue(), []);

    const marked = must(await service.get(late.id));
    assert.equal(marked.overdue, true);
    assert.equal(marked.state, 'reported');
    const last = must(await service.history(late.id)).at(-1);
    assert.equal(last?.type, 'overdue');
    assert.equal(last?.from, 'reported');
    assert.equal(last?.to, 'reported');
    assert.equal(last?.actor, 'system');
    assert.equal(changes.at(-1)?.entry.type, 'overdue');
    assert.deepEqual(
      (await service.list({ limit: 10, overdue: true })).map((c) => c.id).sort(),
      [late.id, onTime.id].sort(),
    );

    const moved = must(await service.apply(late.id, 'register', { actor: 'u1' }));
    assert.equal(moved.overdue, false);
    assert.equal(moved.dueStage, 'dispatch');
  });
});
