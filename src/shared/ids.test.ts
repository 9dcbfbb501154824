import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { newId } from './ids.ts';

const T = Date.UTC(2024, 5, 1, 12);

test('100,000 ids of one millisecond are all different and sort in the order they were made', () => {
  const ids = Array.from({ length: 100_000 }, () => newId('report', T));
  assert.equal(new Set(ids).size, ids.length);
  for (let i = 1; i < ids.length; i++)
    assert.ok((ids[i - 1] as string) < (ids[i] as string), `${ids[i - 1]} ${ids[i]}`);
  assert.ok(ids.every((id) => /^report_[0-9a-z]{16}$/.test(id)));
});

test('property: ids sort by their time, whatever the order they were made in', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 45 }), { minLength: 2, maxLength: 50 }), (times) => {
      const made = times.map((t) => ({ t, id: newId('case', t) as string }));
      for (const a of made)
        for (const b of made) if (a.t < b.t) assert.ok(a.id < b.id, `${a.t} ${a.id} / ${b.t} ${b.id}`);
      assert.equal(new Set(made.map((m) => m.id)).size, made.length);
    }),
  );
});

test('ids of different milliseconds start from fresh random parts', () => {
  const parts = new Set(Array.from({ length: 200 }, (_, k) => (newId('a', T + 2 * k) as string).slice(-6)));
  assert.ok(parts.size > 190, `only ${parts.size} different random parts`);
});
