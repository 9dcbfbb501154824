import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Category } from '../city/city.ts';
import type { ServiceCode } from '../shared/brand.ts';
import { HOUR, MINUTE } from '../shared/clock.ts';
import { dueAt, isOverdue, stageAllowance } from './deadlines.ts';

const category: Category = {
  code: 'pothole' as ServiceCode,
  name: 'Pothole',
  group: undefined,
  description: undefined,
  priority: 'normal',
  deadlines: {
    register: 30 * MINUTE,
    dispatch: HOUR,
    start: 4 * HOUR,
    resolve: 48 * HOUR,
    verify: 8 * HOUR,
    close: HOUR,
  },
};

test('dueAt adds the stage deadline to the time the stage was entered', () => {
  assert.equal(dueAt(1000, category, 'normal', 'register'), 1000 + 30 * MINUTE);
  assert.equal(dueAt(1000, category, 'high', 'resolve'), 1000 + 48 * HOUR);
  assert.equal(dueAt(1000, category, 'normal', undefined), undefined);
});

test('urgent halves and low doubles the deadline', () => {
  assert.equal(stageAllowance(category, 'urgent', 'dispatch'), 30 * MINUTE);
  assert.equal(stageAllowance(category, 'low', 'dispatch'), 2 * HOUR);
  assert.equal(stageAllowance(category, 'normal', 'dispatch'), HOUR);
});

test('overdue only strictly after the due time', () => {
  assert.equal(isOverdue(5000, 5000), false);
  assert.equal(isOverdue(5000, 5001), true);
  assert.equal(isOverdue(undefined, 1e15), false);
});
