import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { formatDuration, parseDuration } from './durations.ts';

describe('parseDuration', () => {
  test('reads each unit and bare minutes', () => {
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('15m'), 900_000);
    assert.equal(parseDuration('4h'), 14_400_000);
    assert.equal(parseDuration('3d'), 259_200_000);
    assert.equal(parseDuration('1.5h'), 5_400_000);
    assert.equal(parseDuration(90), 5_400_000);
    assert.equal(parseDuration(0), 0);
  });

  test('rejects what is not a duration', () => {
    for (const bad of ['', '5', '5 days', '3w', '-1m', 'm', '1.m', '1e3s'])
      assert.equal(parseDuration(bad), undefined, bad);
    assert.equal(parseDuration(-1), undefined);
    assert.equal(parseDuration(Number.NaN), undefined);
    assert.equal(parseDuration(Number.POSITIVE_INFINITY), undefined);
  });

  test('n<unit> is n times the unit, for any n', () => {
    const size = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
    fc.assert(
      fc.property(fc.nat(100_000), fc.constantFrom('s', 'm', 'h', 'd'), (n, unit: keyof typeof size) => {
        assert.equal(parseDuration(`${n}${unit}`), n * size[unit]);
      }),
    );
  });

  test('any string gives a non-negative number or undefined, never a throw', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const v = parseDuration(s);
        assert.ok(v === undefined || (Number.isFinite(v) && v >= 0));
      }),
    );
  });

  test('formatDuration round-trips whole seconds', () => {
    fc.assert(
      fc.property(fc.nat(10_000_000), (secs) => {
        assert.equal(parseDuration(formatDuration(secs * 1000)), secs * 1000);
      }),
    );
    assert.equal(formatDuration(5_400_000), '90m');
    assert.equal(formatDuration(86_400_000), '1d');
  });
});
