import type { Stage } from '../city/schema.ts';
import { DomainError } from '../shared/errors.ts';
import { err, ok, type Result } from '../shared/result.ts';
import { CASE_EVENTS, type CaseEventType, type CaseState } from './types.ts';

/**
 * The case loop as data (DESIGN.md §5: a transition table, not flags). It follows the seven steps of the grid method
 * (report, register, dispatch, handle, resolve, verify, close) with the side exits reject and merge, a rework loop
 * when verification fails and a reopen after closing. A state missing an event cannot take it.
 */
export const TRANSITIONS: Readonly<Record<CaseState, Readonly<Partial<Record<CaseEventType, CaseState>>>>> = {
  reported: { register: 'registered', reject: 'rejected', merge: 'merged' },
  registered: { dispatch: 'dispatched', reject: 'rejected', merge: 'merged' },
  // dispatch again reassigns the case to another team.
  dispatched: { start: 'in_progress', dispatch: 'dispatched' },
  in_progress: { resolve: 'resolved' },
  resolved: { verify: 'verified', fail_verification: 'rework' },
  rework: { start: 'in_progress' },
  verified: { close: 'closed' },
  closed: { reopen: 'reopened' },
  reopened: { dispatch: 'dispatched' },
  rejected: {},
  merged: {},
};

/**
 * The stage whose deadline runs while a case is in each state (undefined: no deadline). A case in rework is due to be
 * resolved again, so its clock is the `resolve` stage.
 */
export const STAGE_DUE: Readonly<Record<CaseState, Stage | undefined>> = {
  reported: 'register',
  registered: 'dispatch',
  dispatched: 'start',
  in_progress: 'resolve',
  rework: 'resolve',
  resolved: 'verify',
  verified: 'close',
  reopened: 'dispatch',
  closed: undefined,
  rejected: undefined,
  merged: undefined,
};

const EVENT_SET: ReadonlySet<string> = new Set(CASE_EVENTS);

/** Whether a string names a workflow event (input from the edges is checked with this). */
export const isCaseEvent = (s: string): s is CaseEventType => EVENT_SET.has(s);

/** States that accept no event at all. */
export const isTerminal = (state: CaseState): boolean => Object.keys(TRANSITIONS[state]).length === 0;

/** The events a case in `state` can take, in table order. */
export const eventsFrom = (state: CaseState): CaseEventType[] => Object.keys(TRANSITIONS[state]) as CaseEventType[];

/** The state after `event`, or CASE_INVALID_TRANSITION (CASE_UNKNOWN_EVENT if the event is not a workflow event). */
export function next(state: CaseState, event: CaseEventType): Result<CaseState> {
  if (!isCaseEvent(event)) return err(new DomainError('CASE_UNKNOWN_EVENT', `Unknown case event "${event}".`));
  const to = TRANSITIONS[state][event];
  if (to === undefined) {
    return err(new DomainError('CASE_INVALID_TRANSITION', `A ${state} case cannot take "${event}".`, { state, event }));
  }
  return ok(to);
}
