import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { CaseStore } from '../../src/cases/ports.ts';
import type { Case, CaseHistoryEntry } from '../../src/cases/types.ts';
import type { AlertId, AreaId, CaseId, CellId, ReportId, ServiceCode, TeamId } from '../../src/shared/brand.ts';
import { type MakeStore, storeTest } from './fixtures.ts';

/** A fresh, empty store per test, and how to dispose of it. */
export type MakeCaseStore = MakeStore<CaseStore>;

const T0 = 1_700_000_000_000;
const CELL_A = '891f1d48933ffff' as CellId;
const CELL_B = '891f1d4893bffff' as CellId;
const PATH_A = ['city', 'north', 'n1'] as AreaId[];
const PATH_B = ['city', 'south', 's1'] as AreaId[];

export function kase(n: number, over: Partial<Case> = {}): Case {
  return {
    id: `case_${String(n).padStart(4, '0')}` as CaseId,
    state: 'reported',
    category: 'pothole' as ServiceCode,
    priority: 'normal',
    title: 'Pothole',
    description: 'Deep one, by the bus stop',
    cell: CELL_A,
    areaPath: PATH_A,
    team: undefined,
    source: 'alert',
    alertId: 'alert_0001' as AlertId,
    reportId: undefined,
    createdAt: T0,
    updatedAt: T0,
    dueStage: 'register',
    dueAt: T0 + 60_000,
    overdue: false,
    reworkCount: 0,
    version: 1,
    ...over,
  };
}

const opened = (at = T0): Omit<CaseHistoryEntry, 'seq'> => ({
  at,
  type: 'opened',
  from: undefined,
  to: 'reported',
  actor: 'system',
  note: undefined,
  team: undefined,
});

/** The CaseStore contract: every adapter must pass it unchanged. */
export function caseStoreContract(adapter: string, make: MakeCaseStore): void {
  const withStore = storeTest(make);

  describe(`CaseStore contract: ${adapter}`, () => {
    withStore('a created case reads back unchanged, with its first history entry as seq 1', async (s) => {
      const c = kase(1);
      await s.createCase(c, opened());
      assert.deepEqual(await s.getCase(c.id), c);
      assert.deepEqual(await s.history(c.id), [{ seq: 1, ...opened() }]);
      const bare = kase(2, {
        description: undefined,
        alertId: undefined,
        source: 'report',
        reportId: undefined,
        dueStage: undefined,
        dueAt: undefined,
      });
      await s.createCase(bare, opened());
      assert.deepEqual(await s.getCase(bare.id), bare);
      assert.equal(await s.getCase('case_nope' as CaseId), undefined);
      assert.deepEqual(await s.history('case_nope' as CaseId), []);
      assert.equal(await s.countCases(), 2);
    });

    withStore('updateCase replaces the case and appends history when the version matches', async (s) => {
      await s.createCase(kase(1), opened());
      const next = kase(1, { state: 'registered', version: 2, updatedAt: T0 + 5, dueStage: 'dispatch' });
      const entry: Omit<CaseHistoryEntry, 'seq'> = {
        at: T0 + 5,
        type: 'register',
        from: 'reported',
        to: 'registered',
        actor: 'u1',
        note: 'ok',
        team: 'roads' as TeamId,
      };
      assert.equal(await s.updateCase(next, entry), true);
      assert.deepEqual(await s.getCase(next.id), next);
      assert.deepEqual(await s.history(next.id), [
        { seq: 1, ...opened() },
        { seq: 2, ...entry },
      ]);
    });

    withStore('a stale version loses: false, and nothing changes', async (s) => {
      await s.createCase(kase(1), opened());
      const entry = (actor: string): Omit<CaseHistoryEntry, 'seq'> => ({
        at: T0 + 1,
        type: 'register',
        from: 'reported',
        to: 'registered',
        actor,
        note: undefined,
        team: undefined,
      });
      const a = kase(1, { state: 'registered', version: 2, title: 'A' });
      const b = kase(1, { state: 'rejected', version: 2, title: 'B' });
      assert.equal(await s.updateCase(a, entry('a')), true);
      assert.equal(await s.updateCase(b, entry('b')), false);
      assert.equal((await s.getCase(a.id))?.title, 'A');
      assert.deepEqual(
        (await s.history(a.id)).map((h) => h.actor),
        ['system', 'a'],
      );
      assert.equal(await s.updateCase(kase(1, { version: 9 }), entry('c')), false);
      assert.equal(await s.updateCase(kase(7, { version: 2 }), entry('d')), false);
      assert.deepEqual(await s.history(kase(7).id), []);
    });

    withStore('listCases filters by state, area, cell, team, category and overdue, newest first', async (s) => {
      await s.createCase(kase(1), opened());
      await s.createCase(kase(2, { state: 'dispatched', team: 'roads' as TeamId }), opened());
      await s.createCase(kase(3, { cell: CELL_B, areaPath: PATH_B, category: 'litter' as ServiceCode }), opened());
      await s.createCase(kase(4, { state: 'closed', overdue: true, dueStage: undefined, dueAt: undefined }), opened());
      const ids = (cs: Case[]) => cs.map((c) => Number(c.id.slice(-4)));
      assert.deepEqual(ids(await s.listCases({ limit: 10 })), [4, 3, 2, 1]);
      assert.deepEqual(ids(await s.listCases({ limit: 2, before: kase(3).id })), [2, 1]);
      assert.deepEqual(ids(await s.listCases({ limit: 10, states: ['reported', 'closed'] })), [4, 3, 1]);
      assert.deepEqual(ids(await s.listCases({ limit: 10, states: [] })), []);
      assert.deepEqual(ids(await s.listCases({ limit: 10, area: 'city' as AreaId })), [4, 3, 2, 1]);
      assert.deepEqual(ids(await s.listCases({ limit: 10, area: 'south' as AreaId })), [3]);
      assert.deepEqual(ids(await s.listCases({ limit: 10, area: 'n1' as AreaId })), [4, 2, 1]);
      // Whole ids only: 'n' is a prefix of 'n1' and 'north' but not an area on any path.
      assert.deepEqual(ids(await s.listCases({ limit: 10, area: 'n' as AreaId })), []);
      assert.deepEqual(ids(await s.listCases({ limit: 10, cell: CELL_B })), [3]);
      assert.deepEqual(ids(await s.listCases({ limit: 10, team: 'roads' as TeamId })), [2]);
      assert.deepEqual(ids(await s.listCases({ limit: 10, category: 'litter' as ServiceCode })), [3]);
      assert.deepEqual(ids(await s.listCases({ limit: 10, overdue: true })), [4]);
      assert.deepEqual(ids(await s.listCases({ limit: 10, overdue: false, area: 'north' as AreaId })), [2, 1]);
    });

    withStore('listCases filters by reportId', async (s) => {
      await s.createCase(kase(1, { source: 'report', alertId: undefined, reportId: 'rep_0001' as ReportId }), opened());
      await s.createCase(kase(2, { source: 'report', alertId: undefined, reportId: 'rep_0002' as ReportId }), opened());
      await s.createCase(kase(3), opened());
      const ids = (cs: Case[]) => cs.map((c) => Number(c.id.slice(-4)));
      assert.deepEqual(ids(await s.listCases({ limit: 10, reportId: 'rep_0002' as ReportId })), [2]);
      assert.deepEqual(ids(await s.listCases({ limit: 10, reportId: 'rep_nope' as ReportId })), []);
      assert.deepEqual(ids(await s.listCases({ limit: 10, reportId: undefined })), [3, 2, 1]);
    });

    withStore('dueBefore returns on-time cases whose stage was due before now, soonest first', async (s) => {
      await s.createCase(kase(1, { dueAt: T0 + 300 }), opened());
      await s.createCase(kase(2, { dueAt: T0 + 100 }), opened());
      await s.createCase(kase(3, { dueAt: T0 + 200, overdue: true }), opened());
      await s.createCase(kase(4, { dueAt: undefined, dueStage: undefined, state: 'closed' }), opened());
      await s.createCase(kase(5, { dueAt: T0 + 1000 }), opened());
      const ids = (cs: Case[]) => cs.map((c) => Number(c.id.slice(-4)));
      assert.deepEqual(ids(await s.dueBefore(T0 + 500, 10)), [2, 1]);
      assert.deepEqual(ids(await s.dueBefore(T0 + 500, 1)), [2]);
      // Due exactly now is not yet overdue.
      assert.deepEqual(ids(await s.dueBefore(T0 + 100, 10)), []);
    });
  });
}
