import type { City, ThresholdRule } from '../city/city.ts';
import type { ZoneIndex } from '../grid/zones.ts';
import type { CellId, RuleId } from '../shared/brand.ts';
import type { LimitsFor, ThresholdLimit } from './threshold.ts';

/** Whether threshold `a` is stricter than `b` for this rule's direction: lower for > and >=, higher for < and <=. */
const stricter = (rule: ThresholdRule, a: number, b: number): boolean =>
  rule.op === '>' || rule.op === '>=' ? a < b : a > b;

/**
 * The tightened threshold of every (threshold rule, zone cell), computed once: rule.value × the zone rule's
 * thresholdFactor for each zone of the cell whose tag has a zone rule that applies to the rule, keeping the strictest.
 * clearAt scales by the same factor, so the hysteresis band keeps its proportion (75/50 becomes 60/40 at 0.8) and a
 * tightened alert cannot clear the moment it is raised. A factor that would loosen the rule is ignored: zones only
 * ever tighten. Cells outside every zone cost one Map miss per reading.
 */
export function zoneThresholds(city: City, zones: ZoneIndex): LimitsFor {
  const byRule = new Map<RuleId, Map<CellId, ThresholdLimit>>();
  for (const rule of city.rules) {
    if (rule.kind !== 'threshold') continue;
    const cells = new Map<CellId, ThresholdLimit>();
    for (const zr of city.zoneRules) {
      const factor = zr.thresholdFactor;
      if (factor === undefined || (zr.rules !== undefined && !zr.rules.includes(rule.id))) continue;
      // toPrecision drops float noise (2.2 × 0.8 = 1.7600000000000002) from evidence and titles.
      const value = Number((rule.value * factor).toPrecision(12));
      if (!stricter(rule, value, rule.value)) continue;
      for (const zone of zones.zones) {
        if (zone.tag !== zr.tag) continue;
        const limit: ThresholdLimit = {
          value,
          clearAt: Number((rule.clearAt * factor).toPrecision(12)),
          zone: { id: zone.id, tag: zone.tag, name: zone.name, factor, ruleValue: rule.value },
        };
        for (const cell of zones.cellsOf(zone.id)) {
          const had = cells.get(cell);
          if (had === undefined || stricter(rule, value, had.value)) cells.set(cell, limit);
        }
      }
    }
    if (cells.size > 0) byRule.set(rule.id, cells);
  }
  return (rule, cell) => byRule.get(rule.id)?.get(cell);
}
