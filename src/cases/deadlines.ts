import type { Category } from '../city/city.ts';
import type { Priority, Stage } from '../city/schema.ts';
import type { EpochMs } from '../shared/brand.ts';

/**
 * How priority scales a category's stage deadline: `urgent` gets half the time, `low` twice the time, `normal` and
 * `high` the category's own deadline (a category's deadlines are written for its default priority, usually normal or
 * high). Zones that tighten deadlines come in a later issue and will multiply in here too.
 */
export const PRIORITY_FACTOR: Readonly<Record<Priority, number>> = { urgent: 0.5, high: 1, normal: 1, low: 2 };

/** Milliseconds allowed for `stage` of a case of this category and priority. */
export const stageAllowance = (category: Category, priority: Priority, stage: Stage): number =>
  Math.round(category.deadlines[stage] * PRIORITY_FACTOR[priority]);

/** When `stage`, entered at `entered`, is due; undefined when no stage is running (terminal or closed case). */
export function dueAt(
  entered: EpochMs,
  category: Category,
  priority: Priority,
  stage: Stage | undefined,
): EpochMs | undefined {
  return stage === undefined ? undefined : entered + stageAllowance(category, priority, stage);
}

/** Overdue once the clock has passed the due time (strictly: a case due at `now` is still on time). */
export const isOverdue = (due: EpochMs | undefined, now: EpochMs): boolean => due !== undefined && now > due;
