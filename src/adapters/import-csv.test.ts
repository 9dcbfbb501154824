import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { parseCsv } from '../ingest/csv.ts';
import { readCsvHeader, readCsvRecords } from './import-csv.ts';

const dir = mkdtempSync(join(tmpdir(), 'gridloop-csv-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function readAll(path: string, start = 0, chunk = 7): Promise<{ rows: string[][]; ends: number[] }> {
  const rows: string[][] = [];
  const ends: number[] = [];
  for await (const c of readCsvRecords(path, start, chunk)) {
    rows.push(...c.items);
    ends.push(...c.ends);
  }
  return { rows, ends };
}

const quote = (f: string) => (/[",\r\n]/.test(f) || f === '' ? `"${f.replace(/"/g, '""')}"` : f);

describe('readCsvRecords', () => {
  test('property: streamed in tiny chunks, it reads what parseCsv reads, and resumes at any record end', async () => {
    const field = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.constantFrom('a,b', 'line\nbreak', 'cr\r\nlf', 'say "hi"', 'ünï 😀', ''),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(field, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 12 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.integer({ min: 1, max: 13 }),
        async (rows, eol, bom, chunk) => {
          const text = `${bom ? '\ufeff' : ''}${rows.map((r) => r.map(quote).join(',')).join(eol)}${eol}`;
          const path = join(dir, `p${n++}.csv`);
          writeFileSync(path, text);
          const got = await readAll(path, 0, chunk);
          assert.deepEqual(got.rows, parseCsv(text).rows);
          assert.equal(got.ends.at(-1), Buffer.byteLength(text));
          const k = Math.floor(got.ends.length / 2);
          const rest = await readAll(path, got.ends[k - 1] ?? 0, chunk);
          assert.deepEqual(rest.rows, got.rows.slice(k));
          assert.deepEqual(rest.ends, got.ends.slice(k));
        },
      ),
      { numRuns: 200 },
    );
  });

  test('skips empty lines, keeps a last record without a line break, reads the header apart', async () => {
    const path = join(dir, 'h.csv');
    writeFileSync(path, '\ufeffa, b\r\n1,"x\r\ny"\r\n\r\n2,z');
    assert.deepEqual(await readCsvHeader(path), { header: ['a', 'b'], end: 9 });
    const all = await readAll(path, 9, 3);
    assert.deepEqual(all.rows, [
      ['1', 'x\r\ny'],
      ['2', 'z'],
    ]);
    assert.deepEqual(all.ends, [19, 24]);
  });
});
