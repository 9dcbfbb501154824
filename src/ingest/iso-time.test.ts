import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseIsoTs, tsProblem } from './iso-time.ts';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A valid RFC 3339 date-time and its epoch ms, computed independently through Date.UTC. */
const validTs = fc
  .record({
    y: fc.integer({ min: 1, max: 9999 }),
    mo: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 31 }),
    h: fc.integer({ min: 0, max: 23 }),
    mi: fc.integer({ min: 0, max: 59 }),
    s: fc.option(fc.integer({ min: 0, max: 59 })),
    frac: fc.option(fc.stringMatching(/^[0-9]{1,9}$/)),
    zone: fc.oneof(fc.constant(0), fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 })),
    z: fc.boolean(),
  })
  .filter(({ y, mo, d }) => {
    const probe = new Date(0);
    probe.setUTCFullYear(y, mo - 1, d);
    return probe.getUTCDate() === d;
  })
  .map(({ y, mo, d, h, mi, s, frac, zone, z }) => {
    let text = `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}`;
    let ms = 0;
    if (s !== null) {
      text += `:${pad(s)}`;
      if (frac !== null) {
        text += `.${frac}`;
        ms = Number(frac.padEnd(3, '0').slice(0, 3));
      }
    }
    const offset =
      z && zone === 0
        ? 'Z'
        : `${zone < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(zone) / 60))}:${pad(Math.abs(zone) % 60)}`;
    const base = new Date(0);
    base.setUTCFullYear(y, mo - 1, d);
    base.setUTCHours(h, mi, s ?? 0, ms);
    return { text: text + offset, local: text, expected: base.getTime() - zone * 60_000 };
  });

describe('parseIsoTs', () => {
  test('reads date-times with Z and with offsets', () => {
    assert.equal(parseIsoTs('2024-03-01T12:00:00Z'), Date.UTC(2024, 2, 1, 12));
    assert.equal(parseIsoTs('2024-03-01T12:00:00.250+01:30'), Date.UTC(2024, 2, 1, 10, 30, 0, 250));
    assert.equal(parseIsoTs('2024-03-01T12:00-05:00'), Date.UTC(2024, 2, 1, 17));
    assert.equal(parseIsoTs('2024-02-29t00:00:00.123456789z'), Date.UTC(2024, 1, 29, 0, 0, 0, 123));
    assert.equal(parseIsoTs('1969-12-31T23:59:59.999Z'), -1);
  });

  test('refuses what is not an ISO 8601 date-time with a zone', () => {
    for (const s of [
      '',
      '2024-03-01',
      '2024-03-01 12:00:00Z',
      '2023-02-29T00:00:00Z',
      '2024-04-31T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-01-01T24:00:00Z',
      '2024-01-01T12:60:00Z',
      '2024-01-01T12:00:60Z',
      '2024-01-01T12:00:00.Z',
      '2024-01-01T12:00:00.1234567890Z',
      '2024-01-01T12:00:00+0100',
      '2024-01-01T12:00:00+24:00',
      '2024-01-01T12:00:00ZZ',
      '+02024-01-01T12:00:00Z',
      'Mon, 01 Jan 2024 12:00:00 GMT',
      '1704110400000',
    ]) {
      assert.ok(Number.isNaN(parseIsoTs(s)), s);
      assert.equal(tsProblem(s), 'invalid', s);
    }
  });

  test('tells a missing zone apart from an invalid text', () => {
    assert.ok(Number.isNaN(parseIsoTs('2024-03-01T12:00:00')));
    assert.equal(tsProblem('2024-03-01T12:00:00'), 'no-zone');
    assert.equal(tsProblem('2024-03-01T12:00:00.5'), 'no-zone');
    assert.equal(tsProblem('2024-03-01T12:00'), 'no-zone');
  });

  test('property: agrees with an independent computation on every valid date-time', () => {
    fc.assert(
      fc.property(validTs, ({ text, local, expected }) => {
        assert.equal(parseIsoTs(text), expected);
        assert.ok(Number.isNaN(parseIsoTs(local)));
        assert.equal(tsProblem(local), 'no-zone');
      }),
      { numRuns: 2000 },
    );
  });

  test('property: never throws, and whatever it accepts Date.parse reads the same way', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.stringMatching(/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{5,14}(Z|[+-][0-9:]{5})?$/)),
        (s) => {
          const ms = parseIsoTs(s);
          if (!Number.isNaN(ms)) assert.equal(ms, Date.parse(s.toUpperCase()));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
