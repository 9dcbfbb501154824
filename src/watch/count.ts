import type { CountRule, Rule } from '../city/city.ts';
import type { ReportStore } from '../ingest/ports.ts';
import type { Report } from '../ingest/types.ts';
import type { AreaId, CellId, EpochMs, RuleId, ServiceCode } from '../shared/brand.ts';
import type { AlertEvidence } from './types.ts';

/** Reports of a category in a cell with requestedAt in [from, to): the ReportStore's query, passed in. */
export type CountReports = ReportStore['countReports'];

/** Per count rule, the cells with an open alert. Mutated in place by evaluateCount and tickCount. */
export type CountState = Map<RuleId, Set<CellId>>;

export interface CountRaise {
  readonly rule: CountRule;
  readonly cell: CellId;
  readonly area: AreaId;
  readonly at: EpochMs;
  readonly evidence: AlertEvidence;
}

export interface CountClear {
  readonly rule: CountRule;
  readonly cell: CellId;
  readonly at: EpochMs;
  /** `value` is the count that fell below the bar. */
  readonly clearedBy: { readonly ts: EpochMs; readonly value: number };
}

export const createCountState = (): CountState => new Map();

/** Count rules grouped by the service code they count. */
export function indexCountRules(rules: readonly Rule[]): Map<ServiceCode, CountRule[]> {
  const byCode = new Map<ServiceCode, CountRule[]>();
  for (const r of rules) {
    if (r.kind !== 'count') continue;
    const list = byCode.get(r.category) ?? [];
    list.push(r);
    byCode.set(r.category, list);
  }
  return byCode;
}

function openCells(state: CountState, rule: RuleId): Set<CellId> {
  let cells = state.get(rule);
  if (!cells) {
    cells = new Set();
    state.set(rule, cells);
  }
  return cells;
}

/** Marks (rule, cell) as having an open alert, as after a restart from the open alerts. */
export const restoreOpenCount = (state: CountState, rule: RuleId, cell: CellId): void => {
  openCells(state, rule).add(cell);
};

/**
 * "At least N reports of a category in a cell within T": for each new report that a count rule counts, counts the
 * reports of its cell in [requestedAt - within, requestedAt] and raises when the count reaches atLeast and the
 * (rule, cell) has no open alert. The report's own time is "now", so imported history raises where it happened.
 */
export async function evaluateCount(
  state: CountState,
  rulesByCode: ReadonlyMap<ServiceCode, readonly CountRule[]>,
  reports: readonly Report[],
  countReports: CountReports,
): Promise<CountRaise[]> {
  const raise: CountRaise[] = [];
  for (const report of reports) {
    const rules = rulesByCode.get(report.serviceCode);
    if (rules === undefined) continue;
    for (const rule of rules) {
      const open = openCells(state, rule.id);
      if (open.has(report.cell)) continue;
      const now = report.requestedAt;
      const from = now - rule.withinMs;
      const count = await countReports(report.cell, rule.category, from, now + 1);
      if (count < rule.atLeast) continue;
      open.add(report.cell);
      raise.push({
        rule,
        cell: report.cell,
        area: report.area,
        at: now,
        evidence: { window: { from, to: now }, count, atLeast: rule.atLeast },
      });
    }
  }
  return raise;
}

/** Clears every open count alert whose count over [now - within, now] has fallen below atLeast. */
export async function tickCount(
  state: CountState,
  rulesById: ReadonlyMap<RuleId, CountRule>,
  now: EpochMs,
  countReports: CountReports,
): Promise<CountClear[]> {
  const clear: CountClear[] = [];
  for (const [ruleId, cells] of state) {
    const rule = rulesById.get(ruleId);
    if (rule === undefined) continue;
    for (const cell of [...cells]) {
      const count = await countReports(cell, rule.category, now - rule.withinMs, now + 1);
      if (count >= rule.atLeast) continue;
      cells.delete(cell);
      clear.push({ rule, cell, at: now, clearedBy: { ts: now, value: count } });
    }
  }
  return clear;
}
