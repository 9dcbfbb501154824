import type { Category, City, Zone } from '../city/city.ts';
import type { Priority, Stage } from '../city/schema.ts';
import type { EpochMs, ServiceCode } from '../shared/brand.ts';

/**
 * How priority scales a category's stage deadline: `urgent` gets half the time, `low` twice the time, `normal` and
 * `high` the category's own deadline (a category's deadlines are written for its default priority, usually normal or
 * high). A zone's deadlineFactor multiplies in on top (see zoneTightening).
 */
export const PRIORITY_FACTOR: Readonly<Record<Priority, number>> = { urgent: 0.5, high: 1, normal: 1, low: 2 };

const RANK: Readonly<Record<Priority, number>> = { low: 0, normal: 1, high: 2, urgent: 3 };

/** The higher of two priorities. */
export const raisePriority = (a: Priority, b: Priority | undefined): Priority =>
  b !== undefined && RANK[b] > RANK[a] ? b : a;

/** Milliseconds allowed for `stage` of a case of this category and priority, times a zone's deadline factor. */
export const stageAllowance = (category: Category, priority: Priority, stage: Stage, zoneFactor = 1): number =>
  Math.round(category.deadlines[stage] * PRIORITY_FACTOR[priority] * zoneFactor);

/** When `stage`, entered at `entered`, is due; undefined when no stage is running (terminal or closed case). */
export function dueAt(
  entered: EpochMs,
  category: Category,
  priority: Priority,
  stage: Stage | undefined,
  zoneFactor = 1,
): EpochMs | undefined {
  return stage === undefined ? undefined : entered + stageAllowance(category, priority, stage, zoneFactor);
}

/** Overdue once the clock has passed the due time (strictly: a case due at `now` is still on time). */
export const isOverdue = (due: EpochMs | undefined, now: EpochMs): boolean => due !== undefined && now > due;

/** What a case cell's zones do to a case of one category. */
export interface ZoneTightening {
  /** The strictest (smallest) deadlineFactor of the matching zone rules; 1 when none. */
  readonly deadlineFactor: number;
  /** The highest priority the matching zone rules ask for; undefined when none. */
  readonly priority: Priority | undefined;
  /** The zones whose rules tightened something, for the case's history. */
  readonly zones: readonly Zone[];
}

export const NO_TIGHTENING: ZoneTightening = Object.freeze({ deadlineFactor: 1, priority: undefined, zones: [] });

/**
 * Combines the city's zone rules for the zones of a case's cell (from the zone index) and its category: the strictest
 * deadline factor and the highest priority win, so overlapping zones never loosen each other.
 */
export function zoneTightening(city: City, zones: readonly Zone[], category: ServiceCode): ZoneTightening {
  if (zones.length === 0 || city.zoneRules.length === 0) return NO_TIGHTENING;
  let deadlineFactor = 1;
  let priority: Priority | undefined;
  const hit: Zone[] = [];
  for (const zone of zones) {
    let used = false;
    for (const rule of city.zoneRules) {
      if (rule.tag !== zone.tag || (rule.categories && !rule.categories.includes(category))) continue;
      if (rule.deadlineFactor < deadlineFactor) deadlineFactor = rule.deadlineFactor;
      if (rule.priority !== undefined) priority = raisePriority(rule.priority, priority);
      used ||= rule.deadlineFactor < 1 || rule.priority !== undefined;
    }
    if (used) hit.push(zone);
  }
  return hit.length === 0 ? NO_TIGHTENING : { deadlineFactor, priority, zones: hit };
}
