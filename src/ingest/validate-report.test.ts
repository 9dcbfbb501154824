import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { TINY_CENTRE } from '../city/fixtures.ts';
import type { ReportId } from '../shared/brand.ts';
import { MINUTE } from '../shared/clock.ts';
import { tinyIngestCity } from './fixtures.ts';
import { Problem } from './problem.ts';
import type { Report } from './types.ts';
import { validateReport } from './validate-report.ts';

const { city, grid } = tinyIngestCity();
const NOW = Date.UTC(2024, 5, 1, 12);
const ctx = { city, grid, source: 'open311', now: NOW, newId: () => 'report_x' as ReportId };
const check = (rec: unknown) => validateReport(rec, ctx);
const good = { service_code: 'pothole', lat: TINY_CENTRE.lat, long: TINY_CENTRE.lon };

describe('validateReport', () => {
  test('a minimal report is pinned to its cell and leaf area, requested now', () => {
    const r = check(good) as Report;
    assert.ok(!(r instanceof Problem));
    const at = grid.assign(TINY_CENTRE.lon, TINY_CENTRE.lat);
    assert.ok(at.ok);
    assert.deepEqual(r, {
      id: 'report_x',
      source: 'open311',
      externalId: undefined,
      serviceCode: 'pothole',
      lon: TINY_CENTRE.lon,
      lat: TINY_CENTRE.lat,
      cell: at.value.cell,
      area: at.value.path.at(-1),
      description: undefined,
      address: undefined,
      mediaUrl: undefined,
      requestedAt: NOW,
      receivedAt: NOW,
    });
  });

  test('takes form-encoded strings and every optional field', () => {
    const r = check({
      service_code: 'pothole',
      lat: ` ${TINY_CENTRE.lat + 0.001}`,
      long: String(TINY_CENTRE.lon),
      description: 'd'.repeat(4000),
      address_string: 'a'.repeat(500),
      requested_datetime: '2024-06-01T13:00:00+02:00',
      media_url: 'https://example.org/p.jpg',
      id: 'ext-9',
    }) as Report;
    assert.ok(!(r instanceof Problem), r instanceof Problem ? r.code : '');
    assert.equal(r.lat, TINY_CENTRE.lat + 0.001);
    assert.equal(r.requestedAt, NOW - 60 * MINUTE);
    assert.equal(r.externalId, 'ext-9');
    assert.equal(r.mediaUrl, 'https://example.org/p.jpg');
    assert.equal(r.description?.length, 4000);
    const empties = check({
      ...good,
      description: '',
      address_string: '',
      media_url: '',
      id: '',
      requested_datetime: '',
    });
    assert.ok(!(empties instanceof Problem));
    assert.equal(empties.description, undefined);
    assert.equal((check({ ...good, id: 42 }) as Report).externalId, '42');
  });

  test('every kind of bad report gets its code and path', () => {
    const cases: [unknown, string, string | undefined][] = [
      [[], 'INGEST_NOT_AN_OBJECT', undefined],
      [{ ...good, email: 'a@b.c' }, 'INGEST_UNKNOWN_FIELD', '/email'],
      [{ lat: 50, long: 10 }, 'INGEST_MISSING_FIELD', '/service_code'],
      [{ service_code: 'pothole', long: 10 }, 'INGEST_MISSING_FIELD', '/lat'],
      [{ service_code: 'pothole', lat: 50, long: '' }, 'INGEST_MISSING_FIELD', '/long'],
      [{ ...good, service_code: 3 }, 'INGEST_WRONG_TYPE', '/service_code'],
      [{ ...good, service_code: 'graffiti' }, 'INGEST_UNKNOWN_SERVICE', '/service_code'],
      [{ ...good, lat: '50 N' }, 'INGEST_WRONG_TYPE', '/lat'],
      [{ ...good, lat: 'Infinity' }, 'INGEST_WRONG_TYPE', '/lat'],
      [{ ...good, lat: true }, 'INGEST_WRONG_TYPE', '/lat'],
      [{ ...good, lat: 91 }, 'INGEST_VALUE_OUT_OF_RANGE', '/lat'],
      [{ ...good, long: '-180.5' }, 'INGEST_VALUE_OUT_OF_RANGE', '/long'],
      [{ ...good, lat: 0, long: 0 }, 'INGEST_OUTSIDE_CITY', undefined],
      [{ ...good, description: 'd'.repeat(4001) }, 'INGEST_FIELD_TOO_LONG', '/description'],
      [{ ...good, address_string: 'a'.repeat(501) }, 'INGEST_FIELD_TOO_LONG', '/address_string'],
      [{ ...good, description: 7 }, 'INGEST_WRONG_TYPE', '/description'],
      [{ ...good, media_url: 'javascript:alert(1)' }, 'INGEST_WRONG_TYPE', '/media_url'],
      [{ ...good, id: { x: 1 } }, 'INGEST_WRONG_TYPE', '/id'],
      [{ ...good, id: 'i'.repeat(201) }, 'INGEST_FIELD_TOO_LONG', '/id'],
      [{ ...good, requested_datetime: '2024-06-01T11:00:00' }, 'INGEST_TS_NO_ZONE', '/requested_datetime'],
      [{ ...good, requested_datetime: 'June 1st' }, 'INGEST_TS_INVALID', '/requested_datetime'],
      [{ ...good, requested_datetime: '2024-06-01T13:00:00Z' }, 'INGEST_TS_FUTURE', '/requested_datetime'],
    ];
    for (const [rec, code, path] of cases) {
      const r = check(rec);
      assert.ok(r instanceof Problem, JSON.stringify(rec).slice(0, 100));
      assert.equal(r.code, code, JSON.stringify(rec).slice(0, 100));
      assert.equal(r.path, path, JSON.stringify(rec).slice(0, 100));
    }
  });

  test('counts length in characters, not UTF-16 units', () => {
    assert.ok(!(check({ ...good, description: '😀'.repeat(4000) }) instanceof Problem));
    assert.equal((check({ ...good, description: '😀'.repeat(4001) }) as Problem).code, 'INGEST_FIELD_TOO_LONG');
  });

  test('property: any point inside the city is accepted and pinned where the grid says, given as number or string', () => {
    const cells = grid.allCells();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: cells.length - 1 }), fc.boolean(), (i, asString) => {
        const [lon, lat] = grid.centre(cells[i]!);
        const r = check({
          service_code: 'pothole',
          lat: asString ? String(lat) : lat,
          long: asString ? String(lon) : lon,
        });
        assert.ok(!(r instanceof Problem));
        assert.equal(r.cell, cells[i]);
        assert.equal(r.area, grid.leafOf(cells[i]!));
      }),
    );
  });

  test('property: any JSON value gets a Report or a coded Problem, never an exception', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.record(
            {
              service_code: fc.oneof(fc.constant('pothole'), fc.jsonValue()),
              lat: fc.oneof(fc.double(), fc.string(), fc.jsonValue()),
              long: fc.oneof(fc.double(), fc.string(), fc.jsonValue()),
              description: fc.jsonValue(),
              requested_datetime: fc.oneof(fc.string(), fc.jsonValue()),
            },
            { requiredKeys: [] },
          ),
        ),
        (rec) => {
          const r = check(rec);
          if (r instanceof Problem) assert.match(r.code, /^INGEST_/);
          else assert.equal(typeof r.cell, 'string');
        },
      ),
      { numRuns: 1000 },
    );
  });
});
