import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { csvRecords, parseCsv } from './csv.ts';

/** Writes rows as RFC 4180 CSV; quotes a field when it needs it (or always, when asked). */
function toCsv(rows: string[][], eol: string, quoteAll: boolean, trailing: boolean): string {
  const quote = (f: string, alone: boolean) =>
    quoteAll || /[",\r\n]/.test(f) || (alone && f === '') ? `"${f.replace(/"/g, '""')}"` : f;
  const body = rows.map((r) => r.map((f) => quote(f, r.length === 1)).join(',')).join(eol);
  return trailing ? body + eol : body;
}

const field = fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', '"', '\n', '\r', 'é', '1'), maxLength: 8 });
const rows = fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 });

describe('parseCsv', () => {
  test('round-trips any rows written as RFC 4180 (CRLF or LF, quoted or not, trailing line break or not)', () => {
    fc.assert(
      fc.property(rows, fc.constantFrom('\r\n', '\n'), fc.boolean(), fc.boolean(), (rs, eol, all, trailing) => {
        const parsed = parseCsv(toCsv(rs, eol, all, trailing));
        assert.deepEqual(parsed.rows, rs);
        assert.equal(parsed.unclosedQuote, false);
      }),
      { numRuns: 500 },
    );
  });

  test('quoted fields keep commas, line breaks and doubled quotes', () => {
    const text = 'id,text\r\n1,"a, b"\r\n2,"line one\nline two"\r\n3,"say ""hi"""\r\n';
    assert.deepEqual(parseCsv(text).rows, [
      ['id', 'text'],
      ['1', 'a, b'],
      ['2', 'line one\nline two'],
      ['3', 'say "hi"'],
    ]);
  });

  test('a BOM is dropped; empty fields and empty input', () => {
    assert.deepEqual(parseCsv('\ufeffa,b\n,\n').rows, [
      ['a', 'b'],
      ['', ''],
    ]);
    assert.deepEqual(parseCsv('').rows, []);
    assert.deepEqual(parseCsv('x').rows, [['x']]);
  });

  test('lenient where the RFC is silent, and an unclosed quote is reported', () => {
    assert.deepEqual(parseCsv('a"b,c\n').rows, [['a"b', 'c']]);
    assert.deepEqual(parseCsv('"ab"c,d').rows, [['abc', 'd']]);
    const open = parseCsv('a,"bc\nd');
    assert.deepEqual(open.rows, [['a', 'bc\nd']]);
    assert.equal(open.unclosedQuote, true);
  });

  test('never throws, and the field count of each row is one more than its unquoted commas', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ',', '\n', 'x') }), (text) => {
        const { rows: rs } = parseCsv(text);
        const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text === '' ? [] : text.split('\n');
        assert.deepEqual(
          rs.map((r) => r.length),
          lines.map((l) => l.split(',').length),
        );
      }),
    );
  });
});

describe('csvRecords', () => {
  test('keys each record by the header, filling missing trailing fields with ""', () => {
    assert.deepEqual(csvRecords('a,b,c\n1,2,3\n4,5\n'), [
      { a: '1', b: '2', c: '3' },
      { a: '4', b: '5', c: '' },
    ]);
    assert.deepEqual(csvRecords(''), []);
  });
});
