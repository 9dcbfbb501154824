import type { City, CountRule, ThresholdRule } from '../city/city.ts';
import type { Bus } from '../events.ts';
import type { Grid } from '../grid/types.ts';
import type { ZoneIndex } from '../grid/zones.ts';
import type { Report } from '../ingest/types.ts';
import type { Reading } from '../sensors/types.ts';
import type { AlertId, EpochMs, RuleId, SensorId } from '../shared/brand.ts';
import type { Clock } from '../shared/clock.ts';
import { newId } from '../shared/ids.ts';
import {
  type CountReports,
  createCountState,
  evaluateCount,
  indexCountRules,
  restoreOpenCount,
  tickCount,
} from './count.ts';
import type { AlertStore } from './ports.ts';
import { createThresholdState, evaluateThreshold, indexThresholdRules, restoreRaised } from './threshold.ts';
import { countTitle, thresholdTitle } from './titles.ts';
import type { Alert, AlertEvidence } from './types.ts';
import { zoneThresholds } from './zone-thresholds.ts';

export interface WatcherDeps {
  readonly city: City;
  readonly grid: Grid;
  readonly alerts: AlertStore;
  readonly countReports: CountReports;
  readonly bus: Bus;
  readonly clock: Clock;
  /** Priority zones: threshold rules tighten in their cells (zoneRules' thresholdFactor). Without it, none do. */
  readonly zones?: ZoneIndex | undefined;
}

/** The alerts one call raised and cleared (already stored and emitted). */
export interface WatchOutcome {
  readonly raised: Alert[];
  readonly cleared: Alert[];
}

export interface Watcher {
  /** Rebuilds the raised state from the store's open alerts, so a restart raises no duplicates. Call before the rest. */
  init(): Promise<void>;
  onReadings(readings: readonly Reading[]): Promise<WatchOutcome>;
  onReports(reports: readonly Report[]): Promise<WatchOutcome>;
  /** Periodic work at clock time: clears count alerts whose window has emptied. */
  tick(): Promise<WatchOutcome>;
  /** ReadingsStored → onReadings, ReportFiled → onReports. Returns the unsubscribe function. */
  subscribe(): () => void;
}

/** The title says the threshold that fired: in a priority zone the tightened one, and names the zone. */
function titleOf(rule: ThresholdRule, evidence: AlertEvidence, unit: string | undefined): string {
  const zone = evidence.zone;
  if (zone === undefined || evidence.threshold === undefined) return thresholdTitle(rule, unit);
  return `${thresholdTitle({ ...rule, value: evidence.threshold }, unit)} in ${zone.name} (${zone.tag})`;
}

const thresholdKey = (rule: RuleId, sensor: string): string => `t\u0000${rule}\u0000${sensor}`;
const countKey = (rule: RuleId, cell: string): string => `c\u0000${rule}\u0000${cell}`;

/**
 * The watch capability for threshold and count rules: turns stored readings and reports into alerts with evidence,
 * stores them, and emits AlertRaised / AlertCleared. Calls are serialised, so overlapping batches (two ingest requests
 * at once) see one consistent state.
 */
export function createWatcher(deps: WatcherDeps): Watcher {
  const { city, grid, alerts, countReports, bus, clock } = deps;
  const thresholdRules = indexThresholdRules(city.rules);
  const limits = deps.zones ? zoneThresholds(city, deps.zones) : undefined;
  const countRules = indexCountRules(city.rules);
  const countById = new Map<RuleId, CountRule>();
  const thresholdById = new Map<RuleId, ThresholdRule>();
  for (const r of city.rules) {
    if (r.kind === 'count') countById.set(r.id, r);
    else thresholdById.set(r.id, r);
  }
  const thresholdState = createThresholdState();
  const countState = createCountState();
  /** Open alerts by (kind, rule, sensor or cell). */
  const open = new Map<string, Alert>();

  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = chain.then(fn);
    chain = p.catch(() => undefined);
    return p;
  };

  async function raise(alert: Alert, key: string): Promise<Alert> {
    await alerts.insertAlert(alert);
    open.set(key, alert);
    await bus.emit('AlertRaised', { alert });
    return alert;
  }

  async function clear(
    key: string,
    at: EpochMs,
    clearedBy: { ts: EpochMs; value: number },
  ): Promise<Alert | undefined> {
    const alert = open.get(key);
    if (alert === undefined) return undefined;
    const evidence: AlertEvidence = { ...alert.evidence, clearedBy };
    await alerts.clearAlert(alert.id, at, evidence);
    open.delete(key);
    // Re-read so that the event carries what the store holds now, including a case linked since the raise.
    const stored = await alerts.getAlert(alert.id);
    const cleared = stored ?? { ...alert, state: 'cleared' as const, clearedAt: at, evidence };
    await bus.emit('AlertCleared', { alert: cleared });
    return cleared;
  }

  const unitOf = (sensor: SensorId, metric: string): string | undefined =>
    city.sensors.get(sensor)?.metrics.find((m) => m.name === metric)?.unit;

  const watcher: Watcher = {
    init: () =>
      serial(async () => {
        for (const a of await alerts.openAlerts()) {
          if (a.ruleKind === 'threshold' && a.sensor !== undefined) {
            open.set(thresholdKey(a.rule, a.sensor), a);
            if (thresholdById.has(a.rule)) restoreRaised(thresholdState, a.rule, a.sensor, a.evidence.window);
          } else if (a.ruleKind === 'count') {
            open.set(countKey(a.rule, a.cell), a);
            if (countById.has(a.rule)) restoreOpenCount(countState, a.rule, a.cell);
          }
        }
      }),

    onReadings: (readings) =>
      serial(async () => {
        const { raise: up, clear: down } = evaluateThreshold(thresholdState, thresholdRules, readings, limits);
        const cleared: Alert[] = [];
        for (const c of down) {
          const a = await clear(thresholdKey(c.rule.id, c.sensor), c.at, c.clearedBy);
          if (a) cleared.push(a);
        }
        const raised: Alert[] = [];
        for (const r of up) {
          const alert: Alert = {
            id: newId<AlertId>('alert', clock()),
            rule: r.rule.id,
            ruleKind: 'threshold',
            title: titleOf(r.rule, r.evidence, unitOf(r.sensor, r.rule.metric)),
            severity: r.rule.severity,
            state: 'open',
            cell: r.cell,
            area: grid.leafOf(r.cell) ?? city.root,
            sensor: r.sensor,
            metric: r.rule.metric,
            category: r.rule.openCase?.category,
            raisedAt: r.at,
            clearedAt: undefined,
            evidence: r.evidence,
            caseId: undefined,
          };
          raised.push(await raise(alert, thresholdKey(r.rule.id, r.sensor)));
        }
        return { raised, cleared };
      }),

    onReports: (reports) =>
      serial(async () => {
        const raised: Alert[] = [];
        for (const r of await evaluateCount(countState, countRules, reports, countReports)) {
          const alert: Alert = {
            id: newId<AlertId>('alert', clock()),
            rule: r.rule.id,
            ruleKind: 'count',
            title: countTitle(r.rule, city.categories.get(r.rule.category)?.name),
            severity: r.rule.severity,
            state: 'open',
            cell: r.cell,
            area: r.area,
            sensor: undefined,
            metric: undefined,
            category: r.rule.openCase?.category,
            raisedAt: r.at,
            clearedAt: undefined,
            evidence: r.evidence,
            caseId: undefined,
          };
          raised.push(await raise(alert, countKey(r.rule.id, r.cell)));
        }
        return { raised, cleared: [] };
      }),

    tick: () =>
      serial(async () => {
        const cleared: Alert[] = [];
        for (const c of await tickCount(countState, countById, clock(), countReports)) {
          const a = await clear(countKey(c.rule.id, c.cell), c.at, c.clearedBy);
          if (a) cleared.push(a);
        }
        return { raised: [], cleared };
      }),

    subscribe() {
      const offReadings = bus.on('ReadingsStored', async (e) => {
        await watcher.onReadings(e.readings);
      });
      const offReports = bus.on('ReportFiled', async (e) => {
        await watcher.onReports(e.reports);
      });
      return () => {
        offReadings();
        offReports();
      };
    },
  };
  return watcher;
}
