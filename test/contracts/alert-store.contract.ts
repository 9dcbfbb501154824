import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { AlertId, AreaId, CaseId, CellId, RuleId, SensorId, ServiceCode } from '../../src/shared/brand.ts';
import type { AlertStore } from '../../src/watch/ports.ts';
import type { Alert } from '../../src/watch/types.ts';
import { type MakeStore, storeTest } from './fixtures.ts';

/** A fresh, empty store per test, and how to dispose of it. */
export type MakeAlertStore = MakeStore<AlertStore>;

const CELL_A = '891f1d48933ffff' as CellId;
const CELL_B = '891f1d4893bffff' as CellId;

export function alert(n: number, over: Partial<Alert> = {}): Alert {
  return {
    id: `alert_${String(n).padStart(4, '0')}` as AlertId,
    rule: 'pm25-high' as RuleId,
    ruleKind: 'threshold',
    title: 'PM2.5 above 75 µg/m³ for 30 min',
    severity: 'warning',
    state: 'open',
    cell: CELL_A,
    area: 'leaf-a' as AreaId,
    sensor: 'aq-1' as SensorId,
    metric: 'pm25',
    category: 'air' as ServiceCode,
    raisedAt: 1_700_000_000_000 + n,
    clearedAt: undefined,
    evidence: {
      window: { from: 1_700_000_000_000, to: 1_700_000_000_000 + n },
      values: [{ ts: 1_700_000_000_000, value: 80.5 }],
      threshold: 75,
      op: '>',
    },
    caseId: undefined,
    ...over,
  };
}

/** The AlertStore contract: every adapter must pass it unchanged. */
export function alertStoreContract(adapter: string, make: MakeAlertStore): void {
  const withStore = storeTest(make);

  describe(`AlertStore contract: ${adapter}`, () => {
    withStore('an inserted alert reads back unchanged', async (s) => {
      const a = alert(1);
      await s.insertAlert(a);
      assert.deepEqual(await s.getAlert(a.id), a);
      const count = alert(2, {
        ruleKind: 'count',
        rule: 'potholes' as RuleId,
        sensor: undefined,
        metric: undefined,
        category: undefined,
        evidence: { window: { from: 1, to: 2 }, count: 3, atLeast: 3 },
      });
      await s.insertAlert(count);
      assert.deepEqual(await s.getAlert(count.id), count);
      assert.equal(await s.getAlert('alert_nope' as AlertId), undefined);
    });

    withStore('clearing sets state, time and evidence, and leaves the open set', async (s) => {
      await s.insertAlert(alert(1));
      await s.insertAlert(alert(2, { state: 'acknowledged' }));
      await s.insertAlert(alert(3));
      const evidence = { ...alert(1).evidence, clearedBy: { ts: 5, value: 40 } };
      await s.clearAlert(alert(1).id, 5, evidence);
      const cleared = await s.getAlert(alert(1).id);
      assert.equal(cleared?.state, 'cleared');
      assert.equal(cleared?.clearedAt, 5);
      assert.deepEqual(cleared?.evidence, evidence);
      assert.deepEqual(
        (await s.openAlerts()).map((a) => a.id),
        [alert(2).id, alert(3).id],
      );
      // A second clearing keeps the first one.
      await s.clearAlert(alert(1).id, 9, { window: { from: 0, to: 0 } });
      assert.equal((await s.getAlert(alert(1).id))?.clearedAt, 5);
    });

    withStore('clearing or linking an unknown alert fails with ALERT_NOT_FOUND', async (s) => {
      await assert.rejects(s.clearAlert('alert_x' as AlertId, 1, { window: { from: 0, to: 1 } }), {
        code: 'ALERT_NOT_FOUND',
      });
      await assert.rejects(s.linkCase('alert_x' as AlertId, 'case_1' as CaseId), { code: 'ALERT_NOT_FOUND' });
    });

    withStore('linkCase records the case on the alert', async (s) => {
      await s.insertAlert(alert(1));
      await s.linkCase(alert(1).id, 'case_9' as CaseId);
      assert.equal((await s.getAlert(alert(1).id))?.caseId, 'case_9');
    });

    withStore('listAlerts filters and pages newest first', async (s) => {
      await s.insertAlert(alert(1));
      await s.insertAlert(alert(2, { cell: CELL_B, area: 'leaf-b' as AreaId, severity: 'critical' }));
      await s.insertAlert(alert(3, { rule: 'no2-high' as RuleId }));
      await s.insertAlert(alert(4, { state: 'cleared', clearedAt: 9 }));
      const ids = (as: Alert[]) => as.map((a) => Number(a.id.slice(-4)));
      assert.deepEqual(ids(await s.listAlerts({ limit: 10 })), [4, 3, 2, 1]);
      assert.deepEqual(ids(await s.listAlerts({ limit: 2 })), [4, 3]);
      assert.deepEqual(ids(await s.listAlerts({ limit: 2, before: alert(3).id })), [2, 1]);
      assert.deepEqual(ids(await s.listAlerts({ limit: 10, state: 'open' })), [3, 2, 1]);
      assert.deepEqual(ids(await s.listAlerts({ limit: 10, cell: CELL_B })), [2]);
      assert.deepEqual(ids(await s.listAlerts({ limit: 10, areas: ['leaf-b' as AreaId, 'x' as AreaId] })), [2]);
      assert.deepEqual(ids(await s.listAlerts({ limit: 10, areas: [] })), []);
      assert.deepEqual(ids(await s.listAlerts({ limit: 10, rule: 'no2-high' as RuleId })), [3]);
      assert.deepEqual(ids(await s.listAlerts({ limit: 10, severity: 'critical' })), [2]);
      assert.deepEqual(ids(await s.listAlerts({ limit: 10, state: 'open', areas: ['leaf-a' as AreaId] })), [3, 1]);
      assert.deepEqual(ids(await s.listAlerts({ limit: 0 })), []);
    });
  });
}
