import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { localHour } from './local-time.ts';
import { gaussian, mulberry32, poisson, shuffle, weighted } from './rng.ts';

describe('rng', () => {
  test('mulberry32 is reproducible and uniform in [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const a = mulberry32(seed);
        const b = mulberry32(seed);
        for (let i = 0; i < 20; i++) {
          const x = a();
          assert.equal(x, b());
          assert.ok(x >= 0 && x < 1);
        }
      }),
    );
    const r = mulberry32(1);
    const n = 20_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += r();
    assert.ok(Math.abs(sum / n - 0.5) < 0.01);
  });

  test('gaussian and poisson have the right means and spread', () => {
    const r = mulberry32(2);
    const n = 20_000;
    const g = Array.from({ length: n }, () => gaussian(r));
    const mean = g.reduce((s, x) => s + x, 0) / n;
    const variance = g.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
    assert.ok(Math.abs(mean) < 0.03 && Math.abs(variance - 1) < 0.05);
    const p = Array.from({ length: n }, () => poisson(r, 3.5));
    assert.ok(Math.abs(p.reduce((s, x) => s + x, 0) / n - 3.5) < 0.06);
    assert.equal(poisson(r, 0), 0);
    assert.ok(
      Math.abs(Array.from({ length: 2000 }, () => poisson(r, 100)).reduce((s, x) => s + x, 0) / 2000 - 100) < 1.5,
    );
  });

  test('weighted and shuffle', () => {
    const r = mulberry32(3);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 10_000; i++)
      counts[weighted(r, ['a', 'b', 'c'] as const, (x) => (x === 'a' ? 1 : x === 'b' ? 3 : 0))]++;
    assert.equal(counts.c, 0);
    assert.ok(Math.abs(counts.b / counts.a - 3) < 0.3);
    assert.throws(() => weighted(r, [], () => 1), RangeError);
    assert.deepEqual(shuffle(r, [1, 2, 3, 4, 5]).sort(), [1, 2, 3, 4, 5]);
  });

  test('localHour follows the city time zone, and falls back to UTC', () => {
    const summer = Date.UTC(2026, 5, 1, 7, 30);
    const winter = Date.UTC(2026, 0, 15, 23, 45);
    assert.equal(localHour('Europe/Berlin')(summer), 9.5);
    assert.equal(localHour('Europe/Berlin')(winter), 0.75);
    assert.equal(localHour('UTC')(summer), 7.5);
    assert.equal(localHour('Not/AZone')(summer), 7.5);
  });
});
