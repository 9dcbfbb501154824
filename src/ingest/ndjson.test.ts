import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isBlank, parseNdjson, splitLines } from './ndjson.ts';

describe('splitLines', () => {
  test('handles \\n, \\r\\n, blank lines and a last line without a newline', () => {
    assert.deepEqual(splitLines('a\nb\r\n\n  \nc'), ['a', 'b', '', '  ', 'c']);
    assert.deepEqual(splitLines('a\n'), ['a']);
    assert.deepEqual(splitLines(''), []);
    assert.deepEqual(splitLines(Buffer.from('\ufeff{"a":1}\r\n{"b":"é"}')), ['{"a":1}', '{"b":"é"}']);
  });

  test('isBlank', () => {
    assert.equal(isBlank(''), true);
    assert.equal(isBlank(' \t\r'), true);
    assert.equal(isBlank(' {}'), false);
    assert.equal(isBlank('{}'), false);
  });
});

const record = fc.dictionary(
  fc.string({ maxLength: 8 }),
  fc.oneof(fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)),
  { maxKeys: 5 },
);

describe('parseNdjson', () => {
  test('property: any records written as NDJSON read back equal, whatever the line endings and blank lines', () => {
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 30 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.boolean(),
        (records, eol, trailing, blanks) => {
          const lines = records.map((r) => JSON.stringify(r));
          const text = lines.join(blanks ? `${eol}${eol}` : eol) + (trailing ? eol : '');
          const out = parseNdjson(text, 'test', 0);
          assert.deepEqual(
            out.records.map((r) => r.value),
            records.map((r) => JSON.parse(JSON.stringify(r))),
          );
          assert.equal(out.quarantine.length, 0);
          if (records.length > 0)
            assert.equal(out.records.at(-1)?.index, blanks ? 2 * (records.length - 1) : records.length - 1);
        },
      ),
    );
  });

  test('property: garbage lines are quarantined with their raw text, never thrown, and good lines still parse', () => {
    const garbage = fc.string({ minLength: 1 }).filter((s) => !s.includes('\n') && !isBlank(s) && !isJson(s));
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            record.map((r) => ({ good: true, line: JSON.stringify(r) })),
            garbage.map((line) => ({ good: false, line })),
          ),
        ),
        (items) => {
          const text = items.map((i) => i.line).join('\n');
          const out = parseNdjson(Buffer.from(text), 'src', 42);
          const bad = items.filter((i) => !i.good).map((i) => i.line.replace(/\r$/, ''));
          assert.deepEqual(
            out.quarantine.map((q) => q.raw),
            bad,
          );
          for (const q of out.quarantine) {
            assert.equal(q.code, 'INGEST_MALFORMED_JSON');
            assert.equal(q.source, 'src');
            assert.equal(q.receivedAt, 42);
          }
          assert.equal(
            out.records.length + out.quarantine.length,
            items.filter((i) => !isBlank(i.line.replace(/\r$/, ''))).length,
          );
        },
      ),
    );
  });
});

function isJson(s: string): boolean {
  try {
    JSON.parse(s.replace(/\r$/, ''));
    return true;
  } catch {
    return false;
  }
}
