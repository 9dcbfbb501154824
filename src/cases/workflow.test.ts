import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CASE_EVENTS, CASE_STATES, type CaseEventType, type CaseState } from './types.ts';
import { eventsFrom, isCaseEvent, isTerminal, next, STAGE_DUE } from './workflow.ts';

// The expected result of every (state, event) pair, written out by hand (not derived from TRANSITIONS). Columns follow
// CASE_EVENTS: register, dispatch, start, resolve, verify, fail_verification, close, reject, merge, reopen. '-' means
// the pair must be refused with CASE_INVALID_TRANSITION.
const EXPECTED: Record<CaseState, readonly (CaseState | '-')[]> = {
  //           register      dispatch      start          resolve     verify      fail_verif. close     reject      merge     reopen
  reported: ['registered', '-', '-', '-', '-', '-', '-', 'rejected', 'merged', '-'],
  registered: ['-', 'dispatched', '-', '-', '-', '-', '-', 'rejected', 'merged', '-'],
  dispatched: ['-', 'dispatched', 'in_progress', '-', '-', '-', '-', '-', '-', '-'],
  in_progress: ['-', '-', '-', 'resolved', '-', '-', '-', '-', '-', '-'],
  resolved: ['-', '-', '-', '-', 'verified', 'rework', '-', '-', '-', '-'],
  verified: ['-', '-', '-', '-', '-', '-', 'closed', '-', '-', '-'],
  closed: ['-', '-', '-', '-', '-', '-', '-', '-', '-', 'reopened'],
  rejected: ['-', '-', '-', '-', '-', '-', '-', '-', '-', '-'],
  merged: ['-', '-', '-', '-', '-', '-', '-', '-', '-', '-'],
  rework: ['-', '-', 'in_progress', '-', '-', '-', '-', '-', '-', '-'],
  reopened: ['-', 'dispatched', '-', '-', '-', '-', '-', '-', '-', '-'],
};

describe('workflow transition table', () => {
  test('the expected table names every state and every event', () => {
    assert.deepEqual(Object.keys(EXPECTED).sort(), [...CASE_STATES].sort());
    for (const row of Object.values(EXPECTED)) assert.equal(row.length, CASE_EVENTS.length);
    assert.equal(CASE_EVENTS[0], 'register');
    assert.equal(CASE_EVENTS[9], 'reopen');
  });

  for (const state of CASE_STATES) {
    for (const [i, event] of CASE_EVENTS.entries()) {
      const expected = EXPECTED[state][i];
      test(`${state} —${event}→ ${expected === '-' ? 'refused' : expected}`, () => {
        const r = next(state, event);
        if (expected === '-') {
          assert.equal(r.ok, false);
          if (!r.ok) assert.equal(r.error.code, 'CASE_INVALID_TRANSITION');
        } else {
          assert.deepEqual(r, { ok: true, value: expected });
        }
      });
    }
  }

  test('an unknown event is refused with CASE_UNKNOWN_EVENT', () => {
    const r = next('reported', 'explode' as CaseEventType);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.code, 'CASE_UNKNOWN_EVENT');
    assert.equal(isCaseEvent('explode'), false);
    assert.equal(isCaseEvent('verify'), true);
  });

  test('terminal states are exactly rejected and merged', () => {
    assert.deepEqual(CASE_STATES.filter(isTerminal).sort(), ['merged', 'rejected']);
    assert.deepEqual(eventsFrom('resolved'), ['verify', 'fail_verification']);
  });

  test('the stage due in each state', () => {
    assert.deepEqual(STAGE_DUE, {
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
    });
  });
});

describe('workflow properties', () => {
  const events = fc.array(fc.constantFrom(...CASE_EVENTS), { maxLength: 60 });

  test('random event sequences from reported stay inside CASE_STATES and close only via resolved and verified', () => {
    fc.assert(
      fc.property(events, (seq) => {
        let state: CaseState = 'reported';
        // States visited since the case last left `closed` (or since it was reported).
        let sinceReopen: CaseState[] = ['reported'];
        for (const event of seq) {
          const r = next(state, event);
          if (isTerminal(state)) assert.equal(r.ok, false);
          if (!r.ok) {
            assert.equal(r.error.code, 'CASE_INVALID_TRANSITION');
            continue;
          }
          state = r.value;
          assert.ok((CASE_STATES as readonly string[]).includes(state));
          if (state === 'closed') {
            const resolvedAt = sinceReopen.lastIndexOf('resolved');
            const verifiedAt = sinceReopen.lastIndexOf('verified');
            assert.ok(resolvedAt >= 0 && verifiedAt > resolvedAt, `closed without resolve+verify: ${sinceReopen}`);
            assert.equal(sinceReopen.at(-1), 'verified');
            sinceReopen = [];
          }
          sinceReopen.push(state);
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('terminal states accept no event', () => {
    fc.assert(
      fc.property(fc.constantFrom<CaseState>('rejected', 'merged'), fc.constantFrom(...CASE_EVENTS), (s, e) => {
        const r = next(s, e);
        assert.equal(r.ok, false);
      }),
    );
  });
});
