import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type CountCell, publicK, suppressSmall } from './k-anonymity.ts';

const cell = (row: string, col: string, count: number): CountCell => ({ row, col, count });

describe('suppressSmall', () => {
  test('counts from 1 to k-1 are withheld, zero and k or more are published', () => {
    const t = suppressSmall([cell('a', 'x', 4), cell('a', 'y', 5), cell('a', 'z', 0), cell('b', 'x', 20)], 5);
    const a = (row: string, col: string) => t.cells.find((c) => c.row === row && c.col === col);
    assert.deepEqual(a('a', 'x'), { row: 'a', col: 'x', count: null, suppressed: true });
    assert.equal(a('a', 'z')?.count, 0);
    // Column x (4 + 20 = 24) is published, so 20 is withheld with the 4.
    assert.equal(a('b', 'x')?.suppressed, true);
    // Cells that were never given count as 0.
    assert.deepEqual(a('b', 'y'), { row: 'b', col: 'y', count: 0, suppressed: false });
  });

  test('a lone withheld cell in a row takes the next-smallest published cell with it', () => {
    // Row a: 3 + 6 + 40 = 49 is published, so 3 alone could be recovered as 49 - 6 - 40.
    const t = suppressSmall([cell('a', 'x', 3), cell('a', 'y', 6), cell('a', 'z', 40), cell('b', 'x', 30)], 5);
    const by = (row: string, col: string) => t.cells.find((c) => c.row === row && c.col === col);
    assert.equal(by('a', 'x')?.suppressed, true);
    assert.equal(by('a', 'y')?.suppressed, true);
    assert.equal(by('a', 'z')?.count, 40);
    // Column x (3 + 30) now has one gap too: its next-smallest published member goes as well.
    const colX = [by('a', 'x'), by('b', 'x'), t.colTotals.find((c) => c.col === 'x')];
    assert.notEqual(colX.filter((s) => s?.suppressed).length, 1);
  });

  test('k comes from GRIDLOOP_PUBLIC_K, default 5; nonsense is refused', () => {
    assert.equal(publicK({}), 5);
    assert.equal(publicK({ GRIDLOOP_PUBLIC_K: '10' }), 10);
    assert.throws(() => publicK({ GRIDLOOP_PUBLIC_K: 'zero' }), RangeError);
    assert.throws(() => publicK({ GRIDLOOP_PUBLIC_K: '0' }), RangeError);
    assert.throws(() => suppressSmall([cell('a', 'x', -1)]), RangeError);
  });

  test('property: published counts are true and ≥ k (or 0), and no sum has a single gap', () => {
    const table = fc.record({
      rows: fc.integer({ min: 1, max: 5 }),
      cols: fc.integer({ min: 1, max: 5 }),
      k: fc.integer({ min: 2, max: 10 }),
      counts: fc.array(fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 200 })), {
        minLength: 25,
        maxLength: 25,
      }),
    });
    fc.assert(
      fc.property(table, ({ rows, cols, k, counts }) => {
        const cells: CountCell[] = [];
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j < cols; j++) cells.push(cell(`r${i}`, `c${j}`, counts[i * cols + j] as number));
        }
        const t = suppressSmall(cells, k);
        const truth = (row: string, col: string) => cells.find((c) => c.row === row && c.col === col)?.count ?? 0;
        for (const c of t.cells) {
          if (c.count !== null) assert.equal(c.count, truth(c.row, c.col));
          if (c.count !== null) assert.ok(c.count === 0 || c.count >= k);
          assert.equal(c.suppressed, c.count === null);
        }
        const all = [...t.rowTotals, ...t.colTotals, t.total];
        for (const s of all) if (s.count !== null) assert.ok(s.count === 0 || s.count >= k);
        const gaps = (xs: { suppressed: boolean }[]) => xs.filter((x) => x.suppressed).length;
        for (let i = 0; i < rows; i++) {
          const members = [...t.cells.filter((c) => c.row === `r${i}`), t.rowTotals[i] as { suppressed: boolean }];
          assert.notEqual(gaps(members), 1, `row ${i}`);
        }
        for (let j = 0; j < cols; j++) {
          const members = [...t.cells.filter((c) => c.col === `c${j}`), t.colTotals[j] as { suppressed: boolean }];
          assert.notEqual(gaps(members), 1, `col ${j}`);
        }
        assert.notEqual(gaps([...t.rowTotals, t.total]), 1);
        assert.notEqual(gaps([...t.colTotals, t.total]), 1);
      }),
      { numRuns: 300 },
    );
  });
});
