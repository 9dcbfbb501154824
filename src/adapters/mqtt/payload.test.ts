import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type SplitPayload, splitPayload } from './payload.ts';

const split = (p: string | Buffer): SplitPayload => {
  const into: SplitPayload = { records: [], lines: [] };
  splitPayload(p, into);
  return into;
};

describe('splitPayload', () => {
  test('one object, an array, NDJSON, garbage', () => {
    assert.deepEqual(split('{"a":1}'), { records: [{ a: 1 }], lines: [] });
    assert.deepEqual(split(Buffer.from(' [{"a":1}, 2]\n')), { records: [{ a: 1 }, 2], lines: [] });
    assert.deepEqual(split('{"a":1}\r\n\n{"b":2}\n'), { records: [], lines: ['{"a":1}', '{"b":2}'] });
    assert.deepEqual(split('[broken'), { records: [], lines: ['[broken'] });
    assert.deepEqual(split('hello'), { records: [], lines: ['hello'] });
    assert.deepEqual(split('  \n'), { records: [], lines: [] });
  });

  test('nothing that is not blank is dropped', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const r = split(s);
        if (s.trim() !== '') assert.ok(r.records.length + r.lines.length > 0 || JSON.parse(s).length === 0);
      }),
    );
  });

  test('NDJSON of n objects gives back the n lines', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { minLength: 2, maxLength: 20 }), (objs) => {
        const lines = objs.map((o) => JSON.stringify(o));
        assert.deepEqual(split(lines.join('\n')).lines, lines);
      }),
    );
  });
});
