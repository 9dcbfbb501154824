/** Watch: rules over readings and reports that raise and clear alerts with evidence (DESIGN.md §2, §3). */
export { type CountReports, evaluateCount, indexCountRules, tickCount } from './count.ts';
export type { AlertStore } from './ports.ts';
export {
  evaluateThreshold,
  indexThresholdRules,
  type LimitsFor,
  type ThresholdLimit,
  type ThresholdState,
} from './threshold.ts';
export { countTitle, displayDuration, thresholdTitle } from './titles.ts';
export type { Alert, AlertEvidence, AlertFilter, AlertState, ZoneEvidence } from './types.ts';
export { createWatcher, type Watcher, type WatcherDeps, type WatchOutcome } from './watcher.ts';
export { zoneThresholds } from './zone-thresholds.ts';
