import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { gridDisk, latLngToCell } from 'h3-js';
import { buildKeyTable } from './key-table.ts';

describe('key table', () => {
  const hex = (max: number) =>
    fc.array(fc.constantFrom(...'0123456789abcdef'), { minLength: 1, maxLength: max }).map((a) => a.join(''));

  test('answers as a Map from each key to its first position does, for keys in and not in the table', () => {
    // Probes: other hex keys, keys one digit longer or with a leading zero (same number, other string), upper case,
    // too long, and any string at all.
    const probe = fc.oneof(
      hex(16),
      hex(17),
      fc.string(),
      hex(15).map((k) => `0${k}`),
      hex(16).map((k) => k.toUpperCase()),
    );
    fc.assert(
      fc.property(fc.array(hex(16), { maxLength: 200 }), fc.array(probe), (keys, probes) => {
        const table = buildKeyTable(keys);
        const first = new Map<string, number>();
        for (const [i, k] of keys.entries()) if (!first.has(k)) first.set(k, i);
        assert.equal(table.size, keys.length);
        for (const k of [...keys, ...probes, ...keys.map((k) => `0${k}`)]) {
          assert.equal(table.indexOf(k), first.get(k) ?? -1, k);
        }
        for (const [i, k] of keys.entries()) assert.equal(table.keyAt(i), k);
      }),
    );
  });

  test('refuses to hold a key that is not lower-case hex of 1 to 16 digits', () => {
    for (const bad of ['', '8928308280FFFFF', '8928308280fffffff', 'cell-1', ' 89']) {
      assert.throws(() => buildKeyTable(['89283082803ffff', bad]), RangeError, bad);
    }
  });

  test('finds every H3 cell of a city-sized disk by the fresh string h3-js returns, and misses its neighbours', () => {
    const cells = gridDisk(latLngToCell(50, 10, 9), 60);
    const table = buildKeyTable(cells);
    for (const [i, c] of cells.entries()) {
      // Rebuilt by concatenation, as h3-js builds its answers: equal content, a different string object.
      assert.equal(table.indexOf(c.slice(0, 7) + c.slice(7)), i);
    }
    const inside = new Set(cells);
    const outer = gridDisk(cells[0] as string, 61).filter((c) => !inside.has(c));
    assert.ok(outer.length > 0);
    for (const c of outer) assert.equal(table.indexOf(c), -1);
  });

  test('an empty table holds nothing', () => {
    const table = buildKeyTable([]);
    assert.equal(table.size, 0);
    assert.equal(table.indexOf(''), -1);
    assert.equal(table.indexOf('8928308280fffff'), -1);
  });
});
